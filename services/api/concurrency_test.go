package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// Fifty people report on one commitment at once, each retrying with the
// ETag a 409 hands back. Every write lands or gets a 409, never anything
// else; every landed report is in the final state; and that state equals a
// fresh fold of the log.
func TestFiftyClientsOnOneCommitmentLoseNoUpdate(t *testing.T) {
	ta := newTestAPI(t)
	p := setUp(t, ta)
	const clients, each = 50, 3
	reports := "/api/v1/commitments/" + p.commitment + "/indicators/" + p.indicator + "/reports"
	var wg sync.WaitGroup
	var mu sync.Mutex
	landed := map[string]bool{}
	conflicts := 0
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tag := `"2"`
			for i := 0; i < each; {
				r := ta.do("POST", reports, map[string]any{"value": c, "effective_on": "30/06/2021", "note": fmt.Sprintf("c%d-%d", c, i)}, "If-Match", tag)
				switch r.Status {
				case 201:
					var res struct{ ID string }
					r.json(t, &res)
					mu.Lock()
					landed[res.ID] = true
					mu.Unlock()
					tag = r.Header.Get("ETag")
					i++
				case 409:
					mu.Lock()
					conflicts++
					mu.Unlock()
					tag = r.Header.Get("ETag") // the current revision, from the 409
				default:
					t.Errorf("client %d: status %d %s", c, r.Status, r.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(landed) != clients*each {
		t.Fatalf("landed %d reports, want %d", len(landed), clients*each)
	}
	t.Logf("%d writes landed after %d conflicts", len(landed), conflicts)

	r := ta.do("GET", "/api/v1/commitments/"+p.commitment, nil)
	var served struct {
		Revision uint64
		State    domain.CommitmentState
	}
	r.json(t, &served)
	if got := len(served.State.Indicators[0].Reports); got != clients*each {
		t.Fatalf("the state holds %d reports, want %d", got, clients*each)
	}
	for _, rep := range served.State.Indicators[0].Reports {
		if !landed[rep.ID] {
			t.Fatalf("report %s in the state was never acknowledged", rep.ID)
		}
	}
	// A fold of the log by a fresh event log (no cache) gives the same state.
	fresh := eventlog.New(ta.store, domain.NewRegistry(), time.Now)
	c := &domain.Commitment{}
	v, err := fresh.Load(t.Context(), domain.CommitmentStream(p.commitment), c)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(c.State())
	got, _ := json.Marshal(served.State)
	var wantV, gotV any
	json.Unmarshal(want, &wantV)
	json.Unmarshal(got, &gotV)
	if v.Revision != served.Revision || !reflect.DeepEqual(wantV, gotV) {
		t.Fatalf("served state (revision %d) differs from the fold of the log (revision %d)", served.Revision, v.Revision)
	}
}
