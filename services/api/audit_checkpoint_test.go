package api

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// ignoreEvents folds nothing: loading with it only yields a stream's version.
type ignoreEvents struct{}

func (ignoreEvents) Apply(domain.Recorded) {}

func TestVerifyRecomputesCheckpointsAndNamesAForgedOne(t *testing.T) {
	ta := newTestAPI(t)
	setUp(t, ta)
	auditor := bearer(domain.RoleAuditor, "", "thanh.tra")
	ctx := context.Background()
	log := ta.svc.Log()
	cp, wrote, err := audit.NewSealer(log, audit.SealerOptions{Logger: slog.New(slog.DiscardHandler)}).SealNow(ctx)
	if err != nil || !wrote {
		t.Fatalf("seal: %v (wrote %v)", err, wrote)
	}
	r := ta.do("GET", "/api/v1/audit/verify", nil, auditor...)
	wantStatus(t, r, 200)
	var v Verification
	r.json(t, &v)
	if !v.Intact || v.Checkpoints != 1 || uint64(v.Sealed) != cp.Position || v.LogHash == cp.LogHash || len(v.LogHash) != 64 {
		// The log hash at head also covers the checkpoint event itself.
		t.Fatalf("verify a sealed log: %+v, checkpoint %+v", v, cp)
	}

	// A second checkpoint whose log hash is not the log's, appended as a
	// faulty or dishonest sealer would.
	version, err := log.Load(ctx, domain.CheckpointStream, ignoreEvents{})
	if err != nil {
		t.Fatal(err)
	}
	forged := domain.CheckpointSealed{
		Position: uint64(v.Head), Count: uint64(v.Events), LogHash: strings.Repeat("ab", 32),
		PreviousPosition: cp.Position, PreviousLogHash: cp.LogHash,
	}
	res, err := log.Append(ctx, domain.CheckpointStream, version, eventlog.Meta{Actor: audit.SealerActor}, forged)
	if err != nil {
		t.Fatal(err)
	}
	r = ta.do("GET", "/api/v1/audit/verify", nil, auditor...)
	wantStatus(t, r, 200)
	v = Verification{}
	r.json(t, &v)
	if v.Intact || v.Break == nil || v.Break.Stream != domain.CheckpointStream || v.Break.Revision != 1 || v.Break.Position != res.Position ||
		!strings.Contains(v.Break.Reason, "the checkpoint sealed abababababab") {
		t.Fatalf("verify with a forged checkpoint: %+v %+v", v, v.Break)
	}
}
