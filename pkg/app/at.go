package app

import (
	"context"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// CommitmentAt returns commitment id as it stood at revision rev: what a
// form opened at that revision showed, so a conflict can show what changed
// since.
func (s *Service) CommitmentAt(ctx context.Context, id string, rev uint64) (domain.CommitmentState, error) {
	c := &domain.Commitment{}
	if err := s.foldUpTo(ctx, domain.CommitmentStream(id), rev, c); err != nil {
		return domain.CommitmentState{}, err
	}
	return c.State(), nil
}

// TaskAt returns task id as it stood at revision rev.
func (s *Service) TaskAt(ctx context.Context, id string, rev uint64) (domain.TaskState, error) {
	t := &domain.Task{}
	if err := s.foldUpTo(ctx, domain.TaskStream(id), rev, t); err != nil {
		return domain.TaskState{}, err
	}
	return t.State(), nil
}

func (s *Service) foldUpTo(ctx context.Context, stream string, rev uint64, agg existing) error {
	const page = 512
	for from := uint64(0); from <= rev; {
		events, err := s.log.Store().ReadStream(ctx, stream, eventstore.Forwards, from, min(page, int(rev-from+1)))
		if err != nil {
			return domain.Internal(err, "reading %s", stream)
		}
		for _, rec := range events {
			r, _, _, err := s.log.Decode(rec)
			if err != nil {
				return domain.Internal(err, "decoding %s", stream)
			}
			agg.Apply(r)
			from = rec.Revision + 1
		}
		if len(events) == 0 {
			break
		}
	}
	if !agg.Exists() {
		return domain.NotFound("", "Không tìm thấy "+categoryVI(stream), categoryEN(stream)+" not found")
	}
	return nil
}
