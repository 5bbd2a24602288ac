package loadgen

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// alertWatch measures alert latency: from the start of a task assignment
// whose deadline is inside the 7-day window to its due_in_7d alert
// arriving at a NATS subscriber with an office token.
type alertWatch struct {
	nc *nats.Conn

	mu      sync.Mutex
	pending map[string]time.Time // unit|title → when the assignment was sent
}

// watchAlerts subscribes to every unit's due_in_7d alerts on url.
func watchAlerts(url, token string, rec func() *recorder) (*alertWatch, error) {
	nc, err := nats.Connect(url, nats.Token(token), nats.Name("camket loadgen"))
	if err != nil {
		return nil, fmt.Errorf("loadgen: NATS %s: %w", url, err)
	}
	w := &alertWatch{nc: nc, pending: map[string]time.Time{}}
	_, err = nc.Subscribe("camket.alert.*.due_in_7d", func(m *nats.Msg) {
		var a struct {
			Audience string `json:"audience"`
			Item     struct {
				Title string `json:"title"`
			} `json:"item"`
		}
		if json.Unmarshal(m.Data, &a) != nil {
			return
		}
		arrived := time.Now()
		w.mu.Lock()
		start, ok := w.pending[a.Audience+"|"+a.Item.Title]
		delete(w.pending, a.Audience+"|"+a.Item.Title)
		w.mu.Unlock()
		if ok {
			rec().alerted(start, arrived.Sub(start))
		}
	})
	if err == nil {
		err = nc.Flush()
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("loadgen: subscribing to alerts: %w", err)
	}
	return w, nil
}

// expect notes that an assignment of title to unit is being sent now.
func (w *alertWatch) expect(unit, title string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending[unit+"|"+title] = time.Now()
}

func (w *alertWatch) close() {
	if w != nil {
		w.nc.Close()
	}
}
