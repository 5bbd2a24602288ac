package projection

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// nationalProvince folds units units, each with a signed Q2 2021
// commitment of 5 verified indicators and 3 tasks: the scale of the whole
// country's board (about 4,000 units).
func nationalProvince(units int) *Province {
	p := New()
	pos := eventstore.Position(0)
	at := time.Date(2021, 4, 1, 0, 0, 0, 0, time.UTC)
	apply := func(stream string, e domain.Event) {
		pos++
		at = at.Add(time.Second)
		p.Apply(stream, pos, domain.Recorded{Event: e, RecordedAt: at})
	}
	q2 := domain.MustParsePeriod("2021-Q2")
	for u := range units {
		code := fmt.Sprintf("U%04d", u)
		apply(domain.UnitStream(code), domain.UnitRegistered{Code: code, Name: fmt.Sprintf("Đơn vị số %d", u), Kind: domain.KindCommune})
		c := domain.CommitmentStream(code)
		apply(c, domain.CommitmentDrafted{ID: code, Unit: code, Period: q2, Title: "Cam kết"})
		for i := range 5 {
			id := fmt.Sprint(i)
			apply(c, domain.IndicatorAdded{Indicator: domain.Indicator{ID: id, Name: id, Measure: domain.MeasurePercent, Direction: domain.AtLeast, Target: 80, Weight: 1}})
		}
		apply(c, domain.CommitmentSigned{Version: 1, SignedBy: "head"})
		for i := range 5 {
			id := fmt.Sprint(i)
			v := float64(70 + (u*7+i*13)%31)
			apply(c, domain.ValueReported{IndicatorID: id, ReportID: "r" + id, Value: v, EffectiveOn: domain.NewDate(2021, 6, 30)})
			apply(c, domain.ValueVerified{IndicatorID: id, ReportID: "r" + id, Value: v})
		}
		for t := range 3 {
			id := fmt.Sprintf("%s-%d", code, t)
			apply(domain.TaskStream(id), domain.TaskAssigned{ID: id, DocumentID: "d", Title: "x", Lead: code, Deadline: domain.NewDate(2021, 5, 10*(t+1))})
		}
	}
	return p
}

// BenchmarkBoard5000Units measures one board query over 5,000 units
// in-process, reporting p50 and p99 per query.
func BenchmarkBoard5000Units(b *testing.B) {
	p := nationalProvince(5000)
	q := Query{Period: domain.MustParsePeriod("2021-Q2")}
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if got := p.Board(q); len(got.Rows) != 5000 {
			b.Fatalf("%d rows", len(got.Rows))
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
}
