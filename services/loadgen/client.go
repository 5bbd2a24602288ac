package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
)

// RequestIDPrefix starts every X-Request-ID the load generator sends, so
// that its commands can be told apart in the log.
const RequestIDPrefix = "lg-"

// request is one HTTP request of a simulated user.
type request struct {
	op      string // the operation it is counted under
	method  string
	path    string
	token   string
	ifMatch string
	body    any // encoded as JSON; nil for none
	// write marks a command; create marks one that no If-Match protects,
	// which is never resent after a lost answer.
	write, create bool
}

// response is a server's answer.
type response struct {
	status int
	etag   string
	body   []byte
}

func (r response) ok() bool { return r.status >= 200 && r.status < 300 }

// decode reads the answer's JSON body into v.
func (r response) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("decoding the answer (%d): %w", r.status, err)
	}
	return nil
}

// errGaveUp is returned for a request whose answer never came.
var errGaveUp = errors.New("loadgen: no answer")

// send makes req, resending it after a lost answer when the config says
// so, records its latency and errors, and tells cfg.Writes what became of
// a command. stop ends the waiting for a dead server; the request itself
// runs to its answer or the client's timeout.
func (r *runner) send(stop context.Context, req request) (response, error) {
	var payload []byte
	if req.body != nil {
		var err error
		if payload, err = json.Marshal(req.body); err != nil {
			return response{}, err
		}
	}
	id := RequestIDPrefix + uuid.NewString()
	w := Write{RequestID: id, Op: req.op}
	mayHaveArrived := false
	for {
		start := time.Now()
		resp, err := r.once(req, id, payload)
		if err == nil {
			r.rec.observe(req.op, start, time.Since(start), resp)
			if req.write {
				w.Outcome = Refused
				switch {
				case resp.ok():
					w.Outcome = Acknowledged
					var res struct {
						Events   int    `json:"events"`
						Position uint64 `json:"position"`
					}
					if json.Unmarshal(resp.body, &res) == nil {
						w.Events, w.Position = res.Events, res.Position
					}
				case mayHaveArrived:
					// An earlier try may have landed: the resend then
					// meets a moved revision (409) or a changed state.
					w.Outcome = Unknown
				}
				r.tell(w)
			}
			return resp, nil
		}
		r.rec.failed(req.op, transportKind(err))
		mayHaveArrived = mayHaveArrived || !refusedAtDial(err)
		if !r.cfg.RetryWhenDown || (req.write && req.create && mayHaveArrived) || !r.answers(stop, "/healthz", time.Minute) {
			if req.write {
				w.Outcome = Unknown
				if !mayHaveArrived {
					w.Outcome = Refused
				}
				r.tell(w)
			}
			return response{}, fmt.Errorf("%w: %s %s: %v", errGaveUp, req.method, req.path, err)
		}
		w.Resent++
		r.resent.Add(1)
	}
}

func (r *runner) tell(w Write) {
	r.rec.wrote(w)
	if r.cfg.Writes != nil {
		r.cfg.Writes(w)
	}
}

// once makes one attempt of req.
func (r *runner) once(req request, id string, payload []byte) (response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	// Each attempt runs to its answer or the client's timeout: stopping
	// the load must not cut a command off between append and answer.
	hr, err := http.NewRequestWithContext(context.Background(), req.method, r.cfg.URL+req.path, body)
	if err != nil {
		return response{}, err
	}
	hr.Header.Set("X-Request-ID", id)
	hr.Header.Set("Authorization", "Bearer "+req.token)
	if payload != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.ifMatch != "" {
		hr.Header.Set("If-Match", req.ifMatch)
	}
	resp, err := r.cfg.Client.Do(hr)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, etag: resp.Header.Get("ETag"), body: b}, nil
}

// answers polls path until it answers 200; false when ctx ends first or
// within passes.
func (r *runner) answers(ctx context.Context, path string, within time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.URL+path, nil)
		if err != nil {
			return false
		}
		if resp, err := r.cfg.Client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// refusedAtDial reports whether err is a refused connection: the request
// never reached a server.
func refusedAtDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && errors.Is(err, syscall.ECONNREFUSED)
}

// transportKind names a request that got no answer: "down" when the
// server was not there or dropped the connection (refused, reset, closed),
// "timeout", or "network" for anything else.
func transportKind(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE):
		return kindDown
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	// The transport's own word for a kept-alive connection the server
	// closed (it wraps no errno).
	if strings.Contains(err.Error(), "server closed idle connection") {
		return kindDown
	}
	return "network"
}
