package app

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
)

// RegisterSigningKey registers a head's public signing key for unit code;
// Result.ID is the key's id (its fingerprint).
func (s *Service) RegisterSigningKey(ctx context.Context, call Call, code string, cmd domain.RegisterSigningKey) (Result, error) {
	u := &domain.Unit{}
	var keyID string
	res, err := s.update(ctx, call, code, domain.UnitStream(code), u, func(domain.Context) ([]domain.Event, error) {
		evs, err := u.RegisterSigningKey(cmd)
		if len(evs) == 1 {
			keyID = evs[0].(domain.SigningKeyRegistered).KeyID
		}
		return evs, err
	})
	res.ID = keyID
	return res, err
}

// RevokeSigningKey revokes key keyID of unit code.
func (s *Service) RevokeSigningKey(ctx context.Context, call Call, code, keyID string, cmd domain.ReasonCommand) (Result, error) {
	u := &domain.Unit{}
	return s.update(ctx, call, code, domain.UnitStream(code), u, func(dc domain.Context) ([]domain.Event, error) {
		return u.RevokeSigningKey(dc, keyID, cmd)
	})
}

// SigningContent returns the exact bytes signer must sign to sign
// commitment id now (its next version), with the commitment's state and
// version (the revision an If-Match names).
func (s *Service) SigningContent(ctx context.Context, id, signer string) ([]byte, domain.CommitmentState, eventlog.Version, error) {
	st, v, err := s.Commitment(ctx, id)
	if err != nil {
		return nil, st, v, err
	}
	return domain.CanonicalContent(st, st.NextVersion(), signer), st, v, nil
}

// SignCommitment signs commitment id as the caller; the signature must
// verify with a key of the commitment's unit registered to the caller.
func (s *Service) SignCommitment(ctx context.Context, call Call, id string, cmd domain.SignCommitment) (Result, error) {
	c := &domain.Commitment{}
	return s.update(ctx, call, id, domain.CommitmentStream(id), c, func(dc domain.Context) ([]domain.Event, error) {
		unit, _, err := s.Unit(ctx, c.OwnerUnit())
		if err != nil {
			return nil, err
		}
		return c.Sign(dc, cmd, unit.SigningKeys)
	})
}

// SignCommitmentWithKey signs commitment id as call.Actor with priv: an
// in-process signer (the demo, tools, tests) that holds the head's private
// key does what a client does over HTTP — read the canonical content, sign
// it, send the signature. The key must still be registered to the actor
// in the commitment's unit.
func (s *Service) SignCommitmentWithKey(ctx context.Context, call Call, id string, cmd domain.SignCommitment, priv ed25519.PrivateKey) (Result, error) {
	content, _, _, err := s.SigningContent(ctx, id, call.Actor.Subject)
	if err != nil {
		return Result{}, err
	}
	cmd.KeyID = domain.KeyID(priv.Public().(ed25519.PublicKey))
	cmd.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, content))
	return s.SignCommitment(ctx, call, id, cmd)
}
