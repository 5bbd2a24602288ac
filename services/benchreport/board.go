package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/demo"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore/bolt"
	"github.com/camket/camket/services/api"
	"github.com/camket/camket/services/projector"
)

// boardReads measures GET /api/v1/boards/2021-Q2 on the demo province
// through the real API (routing, authorization, projection, JSON) against
// a bare Echo handler that returns the same bytes, with the same clients,
// one after the other in the same run.
func boardReads(ctx context.Context, path string, clients int, d time.Duration) (real, trivial result, err error) {
	st, err := bolt.Open(path, storeOpts)
	if err != nil {
		return result{}, result{}, err
	}
	defer st.Close()
	log := eventlog.New(st, domain.NewRegistry(), time.Now)
	if _, err := demo.Load(ctx, app.New(log), time.Now()); err != nil {
		return result{}, result{}, err
	}
	proj := projector.New(log)
	pctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- proj.Run(pctx) }()
	defer func() { stop(); <-done }()
	head, err := st.Head(ctx)
	if err != nil {
		return result{}, result{}, err
	}
	if err := proj.WaitFor(ctx, head); err != nil {
		return result{}, result{}, err
	}
	srv := api.New(api.Config{RateLimit: api.RateLimit{PerIP: -1, PerToken: -1}, Boards: proj}, app.New(log), benchActor,
		func(context.Context) error { return nil }, slog.New(slog.DiscardHandler))
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	const route = "/api/v1/boards/2021-Q2"
	body, err := fetch(ctx, http.DefaultClient, ts.URL+route)
	if err != nil {
		return result{}, result{}, err
	}
	bare := echo.New()
	bare.GET(route, func(c echo.Context) error { return c.JSONBlob(http.StatusOK, body) })
	bs := httptest.NewServer(bare)
	defer bs.Close()

	measureGet := func(url string) result {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
		var errs atomic.Int64
		lat := measure(clients, d, func(int, int) {
			if _, err := fetch(ctx, client, url); err != nil {
				errs.Add(1)
			}
		})
		r := summarize(lat, d)
		r.errors = errs.Load()
		return r
	}
	return measureGet(ts.URL + route), measureGet(bs.URL + route), nil
}

func fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = errStatus(resp.StatusCode)
	}
	return b, err
}

type errStatus int

func (e errStatus) Error() string { return http.StatusText(int(e)) }
