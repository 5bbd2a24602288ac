package api

import (
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestEventStreamsOutliveTheRequestTimeout(t *testing.T) {
	s := New(Config{RequestTimeout: time.Second}, nil, testIdentify, nil, slog.New(slog.DiscardHandler))
	deadlineFor := func(path string) time.Duration {
		c := echo.New().NewContext(httptest.NewRequest("GET", path, nil), httptest.NewRecorder())
		c.SetPath(path)
		var left time.Duration
		if err := s.deadline(func(c echo.Context) error {
			d, ok := c.Request().Context().Deadline()
			if !ok {
				t.Fatalf("%s: no deadline at all", path)
			}
			left = time.Until(d)
			return nil
		})(c); err != nil {
			t.Fatal(err)
		}
		return left
	}
	if left := deadlineFor("/api/v1/units/:code"); left > time.Second {
		t.Errorf("an API request may run %s, want at most the 1 s request timeout", left)
	}
	if left := deadlineFor("/events/board"); left < 30*time.Minute {
		t.Errorf("the board stream may run only %s, want about %s", left, streamTimeout)
	}
}
