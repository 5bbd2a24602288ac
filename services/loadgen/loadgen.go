package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// timeNow is the clock of the measurements.
var timeNow = time.Now

// runner is one run of the load.
type runner struct {
	cfg    Config
	rec    *recorder
	resent atomic.Int64
	alerts *alertWatch // nil without Config.NATSURL
	recMu  sync.Mutex  // guards rec's replacement after the setup
}

func (r *runner) recorder() *recorder {
	r.recMu.Lock()
	defer r.recMu.Unlock()
	return r.rec
}

// Run prepares the province (see Config.TasksPerUnit), then lets the
// simulated users act at cfg.Rate for cfg.Duration or until ctx ends, and
// returns what it measured. Requests in flight when the time is up run to
// their answer. It fails when the setup fails; errors during the load are
// counted in the report, not returned.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Report{}, err
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	r := &runner{cfg: cfg, rec: newRecorder()}
	officeToken, err := cfg.Tokens("office", "", "lg.office.0")
	if err != nil {
		return Report{}, fmt.Errorf("loadgen: token: %w", err)
	}
	p, err := r.prepare(ctx, officeToken)
	if err != nil {
		return Report{}, err
	}
	users, err := r.users(p)
	if err != nil {
		return Report{}, err
	}
	if cfg.NATSURL != "" {
		if r.alerts, err = watchAlerts(cfg.NATSURL, officeToken, r.recorder); err != nil {
			return Report{}, err
		}
		defer r.alerts.close()
	}
	r.recMu.Lock()
	r.rec = newRecorder() // the setup is not part of the figures
	r.recMu.Unlock()
	r.resent.Store(0)
	stop, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	if cfg.Started != nil {
		cfg.Started()
	}
	interval := time.Duration(float64(len(users)) / cfg.Rate * float64(time.Second))
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.pace(stop, interval)
		}()
	}
	wg.Wait()
	rep := r.rec.report(0, time.Since(r.rec.start))
	rep.Resent = r.resent.Load()
	for _, w := range cfg.Windows {
		rep.Windows = append(rep.Windows, r.rec.report(w.From, w.To))
	}
	return rep, nil
}

// users makes the simulated people: cfg.Users unit staff spread over the
// units (every other one a reporter rather than the head), and cfg.Office
// office staff.
func (r *runner) users(p *province) ([]*user, error) {
	var out []*user
	seed := uint64(r.cfg.Seed)
	for i := range r.cfg.Users + r.cfg.Office {
		u := &user{r: r, p: p, rng: rand.New(rand.NewPCG(seed, uint64(i)))}
		role, code := "office", ""
		if i < r.cfg.Users {
			u.unit = &p.units[i%len(p.units)]
			code = u.unit.code
			role = "unit_head"
			if (i/len(p.units))%2 == 1 {
				role = "reporter"
				u.reporter = true
			}
			u.actions = unitActions
		} else {
			u.actions = officeActions
		}
		u.name = fmt.Sprintf("lg.%s.%s%d", role, strings.ToLower(code), i)
		tok, err := r.cfg.Tokens(role, code, u.name)
		if err != nil {
			return nil, fmt.Errorf("loadgen: token for %s: %w", u.name, err)
		}
		u.token = tok
		out = append(out, u)
	}
	return out, nil
}

// pace runs the user's actions at random moments, on average one per
// interval, until stop ends. Arrivals are scheduled, not chained to the
// previous answer, so a slow server meets the same demand; after a long
// stall the schedule restarts from now instead of bursting.
func (u *user) pace(stop context.Context, interval time.Duration) {
	next := timeNow().Add(time.Duration(u.rng.Float64() * float64(interval)))
	for {
		wait := time.Until(next)
		if wait < -interval {
			next, wait = timeNow(), 0
		}
		select {
		case <-stop.Done():
			return
		case <-time.After(max(wait, 0)):
		}
		u.act(stop)
		next = next.Add(time.Duration(u.rng.ExpFloat64() * float64(interval)))
	}
}

// Window is a part of a run: the requests that started between From and
// To after the load began. The soak profile compares its first and last
// minutes.
type Window struct{ From, To time.Duration }
