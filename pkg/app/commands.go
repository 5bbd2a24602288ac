package app

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/camket/camket/pkg/domain"
)

// RegisterUnit adds a unit; its parent, when named, must exist.
func (s *Service) RegisterUnit(ctx context.Context, call Call, cmd domain.RegisterUnit) (Result, error) {
	cmd, verr := cmd.Normalize()
	if verr != nil {
		return Result{}, verr
	}
	if cmd.Parent != "" {
		if err := s.mustHaveUnit(ctx, "parent", cmd.Parent); err != nil {
			return Result{}, err
		}
	}
	u := &domain.Unit{}
	return s.create(ctx, call, cmd.Code, domain.UnitStream(cmd.Code), u, func(domain.Context) ([]domain.Event, error) {
		return u.Register(cmd)
	})
}

// RenameUnit gives unit code a new name.
func (s *Service) RenameUnit(ctx context.Context, call Call, code string, cmd domain.RenameUnit) (Result, error) {
	u := &domain.Unit{}
	return s.update(ctx, call, code, domain.UnitStream(code), u, func(domain.Context) ([]domain.Event, error) {
		return u.Rename(cmd)
	})
}

// ChangeUnitHead records a new head of unit code.
func (s *Service) ChangeUnitHead(ctx context.Context, call Call, code string, cmd domain.ChangeUnitHead) (Result, error) {
	u := &domain.Unit{}
	return s.update(ctx, call, code, domain.UnitStream(code), u, func(domain.Context) ([]domain.Event, error) {
		return u.ChangeHead(cmd)
	})
}

// IssueDocument records a new document; its issuer, when named, must exist.
func (s *Service) IssueDocument(ctx context.Context, call Call, cmd domain.IssueDocument) (Result, error) {
	if cmd.Issuer != "" {
		code, verr := domain.NormalizeUnitCode("issuer", cmd.Issuer)
		if verr != nil {
			return Result{}, verr
		}
		if err := s.mustHaveUnit(ctx, "issuer", code); err != nil {
			return Result{}, err
		}
	}
	id := call.newID()
	d := &domain.Document{}
	return s.create(ctx, call, id, domain.DocumentStream(id), d, func(domain.Context) ([]domain.Event, error) {
		return d.Issue(id, cmd)
	})
}

// AssignTask assigns a new task of document documentID. The lead and
// coordinating units must exist and the area must be in the rules in force
// on the day of assignment.
func (s *Service) AssignTask(ctx context.Context, call Call, documentID string, cmd domain.AssignTask) (Result, error) {
	if _, err := s.load(ctx, domain.DocumentStream(documentID), &domain.Document{}); err != nil {
		return Result{}, err // a document named by the path: 404 when missing
	}
	ev, verr := cmd.Normalize()
	if verr != nil {
		return Result{}, verr
	}
	if err := s.mustHaveUnit(ctx, "lead", ev.Lead); err != nil {
		return Result{}, err
	}
	for i, code := range ev.Coordinating {
		if err := s.mustHaveUnit(ctx, "coordinating["+strconv.Itoa(i)+"]", code); err != nil {
			return Result{}, err
		}
	}
	if ev.Area != "" {
		rules, err := s.RulesInForce(ctx, domain.DateOf(s.log.Now()))
		if err != nil {
			return Result{}, err
		}
		if !rules.HasArea(ev.Area) {
			return Result{}, domain.Invalid("area", "Lĩnh vực không có trong bộ quy tắc hiện hành", "the area is not in the rules in force")
		}
	}
	id := call.newID()
	t := &domain.Task{}
	return s.create(ctx, call, id, domain.TaskStream(id), t, func(domain.Context) ([]domain.Event, error) {
		return t.Assign(id, documentID, cmd)
	})
}

// ReportTaskProgress records progress on task id.
func (s *Service) ReportTaskProgress(ctx context.Context, call Call, id string, cmd domain.ReportTaskProgress) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(c domain.Context) ([]domain.Event, error) {
		return t.ReportProgress(c, cmd)
	})
}

// CompleteTask marks task id done.
func (s *Service) CompleteTask(ctx context.Context, call Call, id string, cmd domain.CompleteTask) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(c domain.Context) ([]domain.Event, error) {
		return t.Complete(c, cmd)
	})
}

// ExtendTaskDeadline moves task id's deadline, approved by the caller.
func (s *Service) ExtendTaskDeadline(ctx context.Context, call Call, id string, cmd domain.ExtendDeadline) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(c domain.Context) ([]domain.Event, error) {
		return t.ExtendDeadline(c, cmd)
	})
}

// ReopenTask reopens task id.
func (s *Service) ReopenTask(ctx context.Context, call Call, id string, cmd domain.ReasonCommand) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(domain.Context) ([]domain.Event, error) {
		return t.Reopen(cmd)
	})
}

// CancelTask cancels task id.
func (s *Service) CancelTask(ctx context.Context, call Call, id string, cmd domain.ReasonCommand) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(domain.Context) ([]domain.Event, error) {
		return t.Cancel(cmd)
	})
}

// DraftCommitment opens a commitment for a unit and period; the unit and
// the document, when named, must exist.
func (s *Service) DraftCommitment(ctx context.Context, call Call, cmd domain.DraftCommitment) (Result, error) {
	code, verr := domain.NormalizeUnitCode("unit", cmd.Unit)
	if verr != nil {
		return Result{}, verr
	}
	if !call.Actor.ActsFor(code) {
		return Result{}, domain.ErrOtherUnit()
	}
	if err := s.mustHaveUnit(ctx, "unit", code); err != nil {
		return Result{}, err
	}
	if cmd.DocumentID != "" {
		id, err := uuid.Parse(cmd.DocumentID)
		if err != nil {
			return Result{}, domain.Invalid("document_id", "Mã văn bản không hợp lệ", "document_id is not a valid id")
		}
		cmd.DocumentID = id.String()
		if err := s.mustHave(ctx, "document_id", domain.DocumentStream(cmd.DocumentID), &domain.Document{}); err != nil {
			return Result{}, err
		}
	}
	id := call.newID()
	c := &domain.Commitment{}
	return s.create(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		return c.Draft(id, cmd)
	})
}

// AddIndicator adds an indicator to commitment id; Result.ID is the new
// indicator's id.
func (s *Service) AddIndicator(ctx context.Context, call Call, id string, in domain.IndicatorInput) (Result, error) {
	c := &domain.Commitment{}
	indicatorID := call.newID()
	res, err := s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		if err := s.checkIndicatorArea(ctx, c, in.Area); err != nil {
			return nil, err
		}
		return c.AddIndicator(indicatorID, in)
	})
	res.ID = indicatorID
	return res, err
}

// UpdateIndicator changes an indicator of commitment id.
func (s *Service) UpdateIndicator(ctx context.Context, call Call, id, indicatorID string, in domain.IndicatorInput) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		if err := s.checkIndicatorArea(ctx, c, in.Area); err != nil {
			return nil, err
		}
		return c.UpdateIndicator(indicatorID, in)
	})
}

// checkIndicatorArea checks an indicator's area, when given, against the
// rules in force at the end of the commitment's period.
func (s *Service) checkIndicatorArea(ctx context.Context, c *domain.Commitment, area string) error {
	area, verr := domain.CleanText("area", area, domain.MaxShortLen, false)
	if verr != nil || area == "" {
		return nil // the domain reports a malformed area
	}
	rules, err := s.RulesInForce(ctx, c.State().Period.End())
	if err != nil {
		return err
	}
	if !rules.HasArea(area) {
		return domain.Invalid("area", "Lĩnh vực không có trong bộ quy tắc của kỳ cam kết", "the area is not in the rules of the commitment's period")
	}
	return nil
}

// RemoveIndicator removes an indicator of commitment id.
func (s *Service) RemoveIndicator(ctx context.Context, call Call, id, indicatorID string) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		return c.RemoveIndicator(indicatorID)
	})
}

// AmendCommitment opens signed commitment id for changes.
func (s *Service) AmendCommitment(ctx context.Context, call Call, id string, cmd domain.ReasonCommand) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		return c.Amend(cmd)
	})
}

// ReportValue reports an indicator's value; Result.ID is the report's id.
func (s *Service) ReportValue(ctx context.Context, call Call, id, indicatorID string, cmd domain.ReportValue) (Result, error) {
	c := &domain.Commitment{}
	reportID := call.newID()
	res, err := s.update(ctx, call, id, domain.CommitmentStream(id), c, func(dc domain.Context) ([]domain.Event, error) {
		return c.ReportValue(dc, indicatorID, reportID, cmd)
	})
	res.ID = reportID
	return res, err
}

// VerifyValue accepts a report.
func (s *Service) VerifyValue(ctx context.Context, call Call, id, indicatorID, reportID string, cmd domain.VerifyValue) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		return c.Verify(indicatorID, reportID, cmd)
	})
}

// RejectValue rejects a report.
func (s *Service) RejectValue(ctx context.Context, call Call, id, indicatorID, reportID string, cmd domain.ReasonCommand) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(domain.Context) ([]domain.Event, error) {
		return c.Reject(indicatorID, reportID, cmd)
	})
}

// PublishRules publishes a new rule set version. If-Match is optional here:
// publishing appends a version and never overwrites one, and the append is
// still checked against the revision that was read; when given, it must
// match (ETag "new" before the first version).
func (s *Service) PublishRules(ctx context.Context, call Call, cmd domain.PublishRules) (Result, error) {
	rs := &domain.RuleSet{}
	v, err := s.log.Load(ctx, domain.RuleSetStream, rs)
	if err != nil {
		return Result{}, domain.Internal(err, "loading rule set")
	}
	if err := checkIfMatch(call, domain.RuleSetStream, v); err != nil {
		return Result{}, err
	}
	evs, err := rs.Publish(cmd)
	if err != nil {
		return Result{}, err
	}
	return s.append(ctx, call, "default", domain.RuleSetStream, v, evs)
}
