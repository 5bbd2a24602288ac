package projector

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/projection"
)

// travelFixture is the history BenchmarkTimeTravel1M queries, built once
// per test binary (the benchmark function runs several times) and removed
// by TestMain.
var travelFixture struct {
	once     sync.Once
	dir      string
	log      *eventlog.Log
	instants []time.Time
	refold   time.Duration // the board at instants[8] folded from zero
	board    []byte        // that board
	files    int
	bytes    int64
}

var travelQuery = projection.Query{Period: domain.MustParsePeriod("2021-Q2")}

func TestMain(m *testing.M) {
	code := m.Run()
	if f := &travelFixture; f.log != nil {
		f.log.Store().Close()
		os.RemoveAll(f.dir)
	}
	os.Exit(code)
}

// buildTravelFixture writes a million events (see million) recorded over
// five years, 2021–2025, one commitment's batch every 4 h 23 min, while a
// projector follows them keeping period-boundary snapshots (the default:
// one per DefaultArchiveEvery events, at a day boundary). The instants are
// 10%, 20%, … 100% of the way through the history.
func buildTravelFixture(b *testing.B) {
	f := &travelFixture
	dir, err := os.MkdirTemp("", "camket-timetravel-")
	if err != nil {
		b.Fatal(err)
	}
	f.dir = dir
	start := time.Date(2021, 1, 1, 1, 0, 0, 0, time.UTC)
	step := 5 * 365 * 24 * time.Hour / 10000
	log, head := million(b, dir, func(c int) time.Time { return start.Add(time.Duration(c) * step) })
	f.log = log
	run, stop := context.WithCancel(context.Background())
	p := New(log)
	snapshots := filepath.Join(dir, "snapshots")
	if err := p.KeepSnapshots(ArchiveOptions{Dir: snapshots, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(run) }()
	if err := p.WaitFor(run, head); err != nil {
		b.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= 10; i++ {
		f.instants = append(f.instants, start.Add(time.Duration(i*1000-1)*step+time.Minute))
	}
	began := time.Now()
	zero := projection.New()
	if err := projection.FoldUntil(context.Background(), log, zero, f.instants[8]); err != nil {
		b.Fatal(err)
	}
	f.board, _ = json.Marshal(zero.Board(travelQuery))
	f.refold = time.Since(began)
	names, _ := filepath.Glob(filepath.Join(snapshots, "snapshot-*.snap"))
	f.files = len(names)
	for _, n := range names {
		if st, err := os.Stat(n); err == nil {
			f.bytes += st.Size()
		}
	}
}

// BenchmarkTimeTravel1M measures the Q2 2021 board as recorded at past
// instants over a million events (see buildTravelFixture): each query, by a
// projector that has just opened the snapshot directory, loads the nearest
// snapshot recorded by then, checks it against the log, and folds the tail
// of the log up to the instant; the queries cycle through the ten instants.
// It checks the answer at the 90% instant is byte-identical to the board
// folded from zero, and reports ms per query (mean and worst), the
// refold's ms and the refold ÷ time-travel ratio at the 90% instant, and
// the snapshots' count and disk use.
func BenchmarkTimeTravel1M(b *testing.B) {
	f := &travelFixture
	f.once.Do(func() { buildTravelFixture(b) })
	if f.log == nil {
		b.Fatal("the fixture was not built")
	}
	ctx := context.Background()
	p := New(f.log)
	if err := p.KeepSnapshots(ArchiveOptions{Dir: filepath.Join(f.dir, "snapshots")}); err != nil {
		b.Fatal(err)
	}
	var total, worst, at90 time.Duration
	var n90 int
	b.ResetTimer()
	for i := range b.N {
		k := (i + 8) % len(f.instants) // the 90% instant first
		began := time.Now()
		past, err := p.Past(ctx, f.instants[k])
		if err != nil {
			b.Fatal(err)
		}
		board := past.Board(travelQuery)
		took := time.Since(began)
		total, worst = total+took, max(worst, took)
		if k == 8 {
			at90, n90 = at90+took, n90+1
			if got, _ := json.Marshal(board); string(got) != string(f.board) {
				b.Fatal("the board from a snapshot differs from the board folded from zero")
			}
		}
	}
	b.StopTimer()
	if bad := p.Distrusted(); len(bad) > 0 {
		b.Fatalf("honest snapshots distrusted: %v", bad)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/query")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
	b.ReportMetric(float64(f.refold.Milliseconds()), "refold-ms")
	if n90 > 0 {
		b.ReportMetric(float64(f.refold)/(float64(at90)/float64(n90)), "refold÷travel")
	}
	b.ReportMetric(float64(f.files), "snapshots")
	b.ReportMetric(float64(f.bytes)/(1<<20), "snapshot-MiB")
}
