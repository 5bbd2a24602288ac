package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/eventstore"
)

// Service runs camket's commands and aggregate reads.
type Service struct {
	log *eventlog.Log
}

// New returns a Service over log.
func New(log *eventlog.Log) *Service { return &Service{log: log} }

// Log returns the event log the service writes to.
func (s *Service) Log() *eventlog.Log { return s.log }

// Call is what a request brings besides its body: the authenticated actor,
// a correlation id, and the revision the client last saw (If-Match).
type Call struct {
	Actor         domain.Actor
	CorrelationID string
	// IfMatch is the revision the client expects the aggregate to be at;
	// nil means the client did not say. AnyRevision matches any.
	IfMatch *uint64
	// NewID, when set, is the id of what the command creates (a document,
	// task, commitment, indicator or report) instead of a random one. The
	// importer derives it from an external key (see KeyID), so importing the
	// same row twice meets "already exists" instead of making a duplicate.
	NewID string
}

// KeyID returns the id camket derives from an external key such as
// "document:664/KH-UBND": a name-based (version 5) UUID, the same on every
// machine.
func KeyID(key string) string { return uuid.NewSHA1(keyNamespace, []byte(key)).String() }

// keyNamespace is the UUID namespace of camket's external keys.
var keyNamespace = uuid.MustParse("3f0c6a52-8e1d-5b7a-9c41-6d2e8f7a1b90")

// AnyRevision is the IfMatch value of "If-Match: *".
const AnyRevision = ^uint64(0)

// NoRevision is the IfMatch value naming a stream that has no events yet
// (ETag "new").
const NoRevision = AnyRevision - 1

// checkIfMatch compares the client's If-Match, when given, with version v.
func checkIfMatch(call Call, stream string, v eventlog.Version) error {
	switch {
	case call.IfMatch == nil || *call.IfMatch == AnyRevision:
		return nil
	case *call.IfMatch == NoRevision && !v.Exists:
		return nil
	case *call.IfMatch != NoRevision && v.Exists && *call.IfMatch == v.Revision:
		return nil
	}
	return staleError(stream, v.Revision, nil)
}

// Result says what a command did.
type Result struct {
	ID       string              `json:"id"`
	Stream   string              `json:"stream"`
	Revision uint64              `json:"revision"`
	Position eventstore.Position `json:"position"`
	Events   int                 `json:"events"`
}

func (s *Service) context(call Call) domain.Context {
	return domain.Context{Now: s.log.Now(), Actor: call.Actor}
}

func (s *Service) meta(call Call) eventlog.Meta {
	return eventlog.Meta{Actor: call.Actor, CorrelationID: call.CorrelationID}
}

// existing is an aggregate that knows whether it has any events.
type existing interface {
	eventlog.Aggregate
	Exists() bool
}

// owned is an aggregate that belongs to one unit: unit-scoped actors may
// change it only when it is theirs.
type owned interface{ OwnerUnit() string }

// create appends the events of decide to a new stream.
func (s *Service) create(ctx context.Context, call Call, id, stream string, agg existing,
	decide func(domain.Context) ([]domain.Event, error)) (Result, error) {
	v, err := s.log.Load(ctx, stream, agg)
	if err != nil {
		return Result{}, domain.Internal(err, "loading %s", stream)
	}
	evs, err := decide(s.context(call))
	if err != nil {
		return Result{}, err
	}
	return s.append(ctx, call, id, stream, v, evs)
}

// update loads stream into agg, checks the client's If-Match, decides and
// appends. A command that decides nothing leaves the stream as it was.
func (s *Service) update(ctx context.Context, call Call, id, stream string, agg existing,
	decide func(domain.Context) ([]domain.Event, error)) (Result, error) {
	v, err := s.log.Load(ctx, stream, agg)
	if err != nil {
		return Result{}, domain.Internal(err, "loading %s", stream)
	}
	if !agg.Exists() {
		return Result{}, domain.NotFound("", "Không tìm thấy "+categoryVI(stream), categoryEN(stream)+" not found")
	}
	if o, ok := agg.(owned); ok && !call.Actor.ActsFor(o.OwnerUnit()) {
		return Result{}, domain.ErrOtherUnit()
	}
	if call.IfMatch == nil {
		return Result{}, &domain.Error{Code: domain.CodePrecondition, Field: "If-Match",
			VI: "Cần tiêu đề If-Match với phiên bản (ETag) đã đọc, để không ghi đè thay đổi của người khác",
			EN: "the If-Match header with the revision (ETag) you read is required, so no one's change is overwritten"}
	}
	if err := checkIfMatch(call, stream, v); err != nil {
		return Result{}, err
	}
	evs, err := decide(s.context(call))
	if err != nil {
		return Result{}, err
	}
	return s.append(ctx, call, id, stream, v, evs)
}

func (s *Service) append(ctx context.Context, call Call, id, stream string, v eventlog.Version, evs []domain.Event) (Result, error) {
	if len(evs) == 0 {
		return Result{ID: id, Stream: stream, Revision: v.Revision}, nil
	}
	res, err := s.log.Append(ctx, stream, v, s.meta(call), evs...)
	if ce, ok := eventstore.IsConflict(err); ok {
		if !v.Exists {
			return Result{}, &domain.Error{Code: domain.CodeConflict, VI: categoryVI(stream) + " đã tồn tại",
				EN: categoryEN(stream) + " already exists", Err: err}
		}
		return Result{}, staleError(stream, ce.Actual, err)
	}
	if err != nil {
		return Result{}, domain.Internal(err, "appending to %s", stream)
	}
	return Result{ID: id, Stream: stream, Revision: res.NextExpectedRevision, Position: res.Position, Events: len(evs)}, nil
}

// staleError is the conflict returned when the client's revision is not the
// current one; the log learns which revision is current.
func staleError(stream string, current uint64, cause error) *domain.Error {
	err := fmt.Errorf("%s is at revision %d", stream, current)
	if cause != nil {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return &domain.Error{Code: domain.CodeConflict,
		VI:  "Dữ liệu đã được người khác thay đổi; hãy xem phiên bản hiện tại rồi thử lại",
		EN:  "someone else changed this since you read it; review the current version and try again",
		Err: err}
}

// newID returns the id for what call creates.
func (c Call) newID() string {
	if c.NewID != "" {
		return c.NewID
	}
	return uuid.NewString()
}

func categoryEN(stream string) string {
	cat, _, _ := strings.Cut(stream, "-")
	return cat
}

func categoryVI(stream string) string {
	switch categoryEN(stream) {
	case "unit":
		return "đơn vị"
	case "document":
		return "văn bản"
	case "task":
		return "nhiệm vụ"
	case "commitment":
		return "cam kết"
	case "ruleset":
		return "bộ quy tắc"
	}
	return "đối tượng"
}
