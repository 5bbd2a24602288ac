package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// auditors: the roles that check the log itself.
var auditors = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleAuditor}}

// HistoryPage is a stream's history: its entries, oldest first.
type HistoryPage struct {
	Stream  string        `json:"stream"`
	Entries []audit.Entry `json:"entries"`
}

// getHistory answers GET /api/v1/history/:stream with every event of the
// stream (unit-SNV, commitment-<id>, …): who, when, effective date, and
// each field's old and new value. Filters: from and to (RFC 3339 recorded
// times), actor (a subject), type (an event type).
func (s *Server) getHistory(c echo.Context) error {
	stream := c.Param("stream")
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return domain.NotFound("stream", "Không có luồng sự kiện này", "no such stream")
	}
	var f audit.Filter
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := c.QueryParam(name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return domain.Invalid(name, "Thời điểm phải theo RFC 3339, ví dụ 2021-07-05T10:00:00+07:00", "must be an RFC 3339 instant, e.g. 2021-07-05T10:00:00+07:00")
			}
			*dst = t
		}
	}
	f.Actor, f.Type = c.QueryParam("actor"), c.QueryParam("type")
	entries, err := audit.History(c.Request().Context(), s.svc.Log(), stream, f)
	if err != nil {
		return err
	}
	if len(entries) == 0 && f == (audit.Filter{}) {
		return domain.NotFound("stream", "Không có luồng sự kiện này", "no such stream")
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	return c.JSON(http.StatusOK, HistoryPage{Stream: stream, Entries: entries})
}

// Verification is the answer of GET /api/v1/audit/verify.
type Verification struct {
	Intact  bool                `json:"intact"`
	Events  int                 `json:"events"`
	Streams int                 `json:"streams"`
	Head    eventstore.Position `json:"head"`
	Break   *audit.Break        `json:"break,omitempty"`
	Took    string              `json:"took"`
	// Evidence: every evidence file the log names, re-hashed (absent when
	// the server has no evidence store).
	Evidence *EvidenceCheck `json:"evidence,omitempty"`
}

// verifyLog answers GET /api/v1/audit/verify: every event's hash and every
// stream's chain recomputed; the first broken link named.
func (s *Server) verifyLog(c echo.Context) error {
	start := time.Now()
	rep, err := audit.Verify(c.Request().Context(), s.svc.Log().Store(), audit.Options{ContiguousPositions: s.cfg.ContiguousPositions})
	v := Verification{Intact: err == nil, Events: rep.Events, Streams: rep.Streams, Head: rep.Head}
	var brk *audit.Break
	switch {
	case errors.As(err, &brk):
		v.Break = brk
	case err != nil:
		return domain.Internal(err, "verifying the log")
	}
	if v.Evidence, err = s.verifyEvidence(c.Request().Context(), rep.Head); err != nil {
		return domain.Internal(err, "verifying evidence files")
	}
	if v.Evidence != nil && len(v.Evidence.Findings) > 0 {
		v.Intact = false
	}
	v.Took = time.Since(start).Round(time.Millisecond).String()
	return c.JSON(http.StatusOK, v)
}
