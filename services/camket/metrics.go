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
	var collectors []prometheus.Collector
	if m.bolt != nil {
		collectors = append(collectors,
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_commits_total", Help: "Durable write transactions (each fsynced) of the embedded store."},
				stats(func() uint64 { return m.bolt.Stats().Commits })),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_events_total", Help: "Events appended to the embedded store."},
				stats(func() uint64 { return m.bolt.Stats().Events })),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_store_conflicts_total", Help: "Appends refused by their expected revision."},
				stats(func() uint64 { return m.bolt.Stats().Conflicts })))
	}
	if m.projector != nil {
		collectors = append(collectors, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "camket_projection_position", Help: "Log position the board projection has folded."},
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
				}))
	}
	if m.alerter != nil {
		collectors = append(collectors, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "camket_alerts_published_total",
			Help: "Alert messages published to NATS (escalations included; re-sends the stream dropped included)."},
			stats(m.alerter.Sent)))
	}
	register := m.roleMetrics.Register
	if m.api != nil {
		register = m.api.Register
	}
	for _, c := range collectors {
		if err := register(c); err != nil {
			return err
		}
	}
	return nil
}
