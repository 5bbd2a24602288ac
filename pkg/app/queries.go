package app

import (
	"context"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// load folds stream into agg and reports not found when it has no events.
func (s *Service) load(ctx context.Context, stream string, agg existing) (eventlog.Version, error) {
	v, err := s.log.Load(ctx, stream, agg)
	if err != nil {
		return v, domain.Internal(err, "loading %s", stream)
	}
	if !agg.Exists() {
		return v, domain.NotFound("", "Không tìm thấy "+categoryVI(stream), categoryEN(stream)+" not found")
	}
	return v, nil
}

// Unit returns unit code's state and version.
func (s *Service) Unit(ctx context.Context, code string) (domain.UnitState, eventlog.Version, error) {
	u := &domain.Unit{}
	v, err := s.load(ctx, domain.UnitStream(code), u)
	return u.State(), v, err
}

// Document returns document id's state and version.
func (s *Service) Document(ctx context.Context, id string) (domain.DocumentState, eventlog.Version, error) {
	d := &domain.Document{}
	v, err := s.load(ctx, domain.DocumentStream(id), d)
	return d.State(), v, err
}

// Task returns task id's state and version.
func (s *Service) Task(ctx context.Context, id string) (domain.TaskState, eventlog.Version, error) {
	t := &domain.Task{}
	v, err := s.load(ctx, domain.TaskStream(id), t)
	return t.State(), v, err
}

// Commitment returns commitment id's state and version.
func (s *Service) Commitment(ctx context.Context, id string) (domain.CommitmentState, eventlog.Version, error) {
	c := &domain.Commitment{}
	v, err := s.load(ctx, domain.CommitmentStream(id), c)
	return c.State(), v, err
}

// RuleSet returns every published rule set version and the stream version.
func (s *Service) RuleSet(ctx context.Context) ([]domain.Rules, eventlog.Version, error) {
	rs := &domain.RuleSet{}
	v, err := s.log.Load(ctx, domain.RuleSetStream, rs)
	if err != nil {
		return nil, v, domain.Internal(err, "loading rule set")
	}
	return rs.Versions(), v, nil
}

// RulesInForce returns the rule set version in force on d.
func (s *Service) RulesInForce(ctx context.Context, d domain.Date) (domain.Rules, error) {
	rs := &domain.RuleSet{}
	if _, err := s.log.Load(ctx, domain.RuleSetStream, rs); err != nil {
		return domain.Rules{}, domain.Internal(err, "loading rule set")
	}
	return rs.InForce(d), nil
}

// mustHave checks that stream has events; the error names field and has
// CodeInvalid, because the reference is a bad input, not a missing page.
func (s *Service) mustHave(ctx context.Context, field, stream string, agg existing) error {
	if _, err := s.log.Load(ctx, stream, agg); err != nil {
		return domain.Internal(err, "loading %s", stream)
	}
	if !agg.Exists() {
		return domain.Invalid(field, "Không tìm thấy "+categoryVI(stream)+" được tham chiếu", "the referenced "+categoryEN(stream)+" does not exist")
	}
	return nil
}

func (s *Service) mustHaveUnit(ctx context.Context, field, code string) error {
	return s.mustHave(ctx, field, domain.UnitStream(code), &domain.Unit{})
}
