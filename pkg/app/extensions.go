package app

import (
	"context"

	"github.com/camket/camket/pkg/domain"
)

// RequestTaskExtension asks, for task id's lead unit, to move its deadline;
// Result.ID is the request's id.
func (s *Service) RequestTaskExtension(ctx context.Context, call Call, id string, cmd domain.ExtendDeadline) (Result, error) {
	t := &domain.Task{}
	requestID := call.newID()
	res, err := s.update(ctx, call, id, domain.TaskStream(id), t, func(domain.Context) ([]domain.Event, error) {
		return t.RequestExtension(requestID, cmd)
	})
	res.ID = requestID
	return res, err
}

// ApproveTaskExtension approves request requestID of task id as the caller.
func (s *Service) ApproveTaskExtension(ctx context.Context, call Call, id, requestID string) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(c domain.Context) ([]domain.Event, error) {
		return t.ApproveExtension(c, requestID)
	})
}

// RefuseTaskExtension refuses request requestID of task id.
func (s *Service) RefuseTaskExtension(ctx context.Context, call Call, id, requestID string, cmd domain.ReasonCommand) (Result, error) {
	t := &domain.Task{}
	return s.update(ctx, call, id, domain.TaskStream(id), t, func(domain.Context) ([]domain.Event, error) {
		return t.RefuseExtension(requestID, cmd)
	})
}
