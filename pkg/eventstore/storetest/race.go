package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/camket/camket/pkg/eventstore"
)

func (s *suite) raceTests() []test {
	return []test{
		{"lets exactly one of many writers expecting the same revision win", s.testRacingExact},
		{"lets exactly one of many writers creating the same stream win", s.testRacingNoStream},
		{"appends concurrent writers of different streams without loss", s.testConcurrentStreams},
	}
}

// raceOutcome is what one racing writer appended and got back.
type raceOutcome struct {
	events []eventstore.EventData
	res    eventstore.AppendResult
	err    error
}

// race runs n appends to stream with expected, started together, while as
// many bystanders append to streams of their own, which must all succeed.
func (s *suite) race(t *testing.T, st eventstore.Store, stream string, expected eventstore.ExpectedRevision, perWriter int) []raceOutcome {
	t.Helper()
	n := s.opts.Writers
	outcomes := make([]raceOutcome, n)
	bystanders := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		outcomes[i].events = newEvents(perWriter, fmt.Sprintf("writer-%d", i))
		wg.Go(func() {
			<-start
			outcomes[i].res, outcomes[i].err = st.Append(t.Context(), stream, expected, outcomes[i].events...)
		})
		wg.Go(func() {
			<-start
			_, bystanders[i] = st.Append(t.Context(), fmt.Sprintf("%s-bystander-%d", stream, i), eventstore.NoStream(), newEvents(1, "bystander")...)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range bystanders {
		if err != nil {
			t.Errorf("bystander %d: Append to its own new stream: %v", i, err)
		}
	}
	return outcomes
}

// checkOneWinner checks that exactly one outcome succeeded, that the others
// conflict with the winner's last revision, and that the stream holds
// before followed by the winner's events.
func checkOneWinner(t *testing.T, st eventstore.Store, stream string, expected eventstore.ExpectedRevision, before []eventstore.EventData, outcomes []raceOutcome) {
	t.Helper()
	winner := -1
	for i, o := range outcomes {
		if o.err != nil {
			continue
		}
		if winner >= 0 {
			t.Fatalf("writers %d and %d both appended with %s", winner, i, expected)
		}
		winner = i
	}
	if winner < 0 {
		t.Fatalf("no writer won; the first one got %v", outcomes[0].err)
	}
	last := outcomes[winner].res.NextExpectedRevision
	if want := uint64(len(before) + len(outcomes[winner].events) - 1); last != want {
		t.Errorf("the winner got next expected revision %d, want %d", last, want)
	}
	for i, o := range outcomes {
		if i != winner {
			checkConflict(t, o.err, eventstore.ConflictError{Stream: stream, Expected: expected, Actual: last, Exists: true})
		}
	}
	checkStream(t, st, stream, append(before, outcomes[winner].events...))
}

func (s *suite) testRacingExact(t *testing.T) {
	st := s.store(t)
	for round := range 5 {
		stream := fmt.Sprintf("race-exact-%d", round)
		before := newEvents(1+round%2, "before")
		res := mustAppend(t, st, stream, eventstore.NoStream(), before...)
		expected := eventstore.Exact(res.NextExpectedRevision)
		outcomes := s.race(t, st, stream, expected, 2)
		checkOneWinner(t, st, stream, expected, before, outcomes)
	}
	s.readAll(t, st)
}

func (s *suite) testRacingNoStream(t *testing.T) {
	st := s.store(t)
	for round := range 5 {
		stream := fmt.Sprintf("race-create-%d", round)
		outcomes := s.race(t, st, stream, eventstore.NoStream(), 1+round%2)
		checkOneWinner(t, st, stream, eventstore.NoStream(), nil, outcomes)
	}
	s.readAll(t, st)
}

func (s *suite) testConcurrentStreams(t *testing.T) {
	st := s.store(t)
	const appends = 15
	n := s.opts.Writers
	written := make([][]eventstore.EventData, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			stream := fmt.Sprintf("concurrent-%d", w)
			next := eventstore.NoStream()
			for i := range appends {
				evs := newEvents(1+i%3, fmt.Sprintf("w%d-%d", w, i))
				res, err := st.Append(t.Context(), stream, next, evs...)
				if err != nil {
					errs[w] = fmt.Errorf("append %d with %s: %w", i, next, err)
					return
				}
				written[w] = append(written[w], evs...)
				next = eventstore.Exact(res.NextExpectedRevision)
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	total := 0
	for w := range n {
		checkStream(t, st, fmt.Sprintf("concurrent-%d", w), written[w])
		total += len(written[w])
	}
	if all := s.readAll(t, st); len(all) != total {
		t.Fatalf("ReadAll: got %d events, want %d", len(all), total)
	}
}
