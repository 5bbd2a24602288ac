package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// registerMetrics adds the store's and the projection's series to
// /metrics. ctx bounds the store reads the lag gauge makes.
func (m *Main) registerMetrics(ctx context.Context) error {
	stats := func(f func() uint64) func() float64 { return func() float64 { return float64(f()) } }
	collectors := []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_commits_total", Help: "Durable write transactions (each fsynced) of the embedded store."},
			stats(func() uint64 { return m.store.Stats().Commits })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_events_total", Help: "Events appended to the embedded store."},
			stats(func() uint64 { return m.store.Stats().Events })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_conflicts_total", Help: "Appends refused by their expected revision."},
			stats(func() uint64 { return m.store.Stats().Conflicts })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "camket_projection_position", Help: "Log position the board projection has folded."},
			func() float64 { return float64(m.projector.Position()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "camket_projection_lag_events", Help: "Events in the log the board projection has not folded yet."},
			func() float64 {
				ctx, cancel := context.WithTimeout(ctx, time.Second)
				defer cancel()
				head, err := m.store.Head(ctx)
				if err != nil {
					return -1
				}
				return float64(head) - float64(m.projector.Position())
			}),
	}
	for _, c := range collectors {
		if err := m.api.Register(c); err != nil {
			return err
		}
	}
	return nil
}
