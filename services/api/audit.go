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

// Verification is the answer of GET /api/v1/audit/verify.
type Verification struct {
	Intact  bool                `json:"intact"`
	Events  int                 `json:"events"`
	Streams int                 `json:"streams"`
	Head    eventstore.Position `json:"head"`
	// Checkpoints recomputed and held; Sealed is the last position they
	// seal; LogHash is the log's chain hash at Head.
	Checkpoints int                 `json:"checkpoints"`
	Sealed      eventstore.Position `json:"sealed"`
	LogHash     string              `json:"log_hash"`
	Break       *audit.Break        `json:"break,omitempty"`
	Took        string              `json:"took"`
	// Evidence: every evidence file the log names, re-hashed (absent when
	// the server has no evidence store).
	Evidence *EvidenceCheck `json:"evidence,omitempty"`
}

// verifyLog answers GET /api/v1/audit/verify: every event's hash, every
// stream's chain and every checkpoint recomputed; the first broken link
// named.
func (s *Server) verifyLog(c echo.Context) error {
	start := time.Now()
	rep, err := audit.Verify(c.Request().Context(), s.svc.Log().Store(), audit.Options{ContiguousPositions: s.cfg.ContiguousPositions})
	v := Verification{Intact: err == nil, Events: rep.Events, Streams: rep.Streams, Head: rep.Head,
		Checkpoints: rep.Checkpoints, Sealed: rep.Sealed, LogHash: rep.LogHash}
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
