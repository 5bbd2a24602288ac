// Package apptest helps tests and tools outside pkg/app drive the service
// the way people do. It signs commitments with keys derived from public
// seeds, so nothing it signs proves anything about a person: never use it
// to sign real commitments.
//
// It imports pkg/app and the domain, nothing else of camket.
package apptest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// HeadKey returns the test signing key of actor in its unit, the same on
// every run.
func HeadKey(actor domain.Actor) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("camket apptest signing key: " + actor.Unit + "/" + actor.Subject))
	return ed25519.NewKeyFromSeed(seed[:])
}

// keyOffice is the actor that registers test keys.
var keyOffice = domain.Actor{Subject: "apptest.office", Role: string(domain.RoleOffice)}

// Sign signs commitment id as call.Actor, as a head's client does: it
// reads the canonical content, signs it with HeadKey and sends the
// signature. The first time an actor signs for a unit, the office
// registers its key (the key ceremony in one step). The commitment's unit
// is the one the key is registered for, whatever call.Actor.Unit says.
func Sign(ctx context.Context, svc *app.Service, call app.Call, id string) (app.Result, error) {
	st, _, err := svc.Commitment(ctx, id)
	if err != nil {
		return app.Result{}, err
	}
	signer := call.Actor
	signer.Unit = st.Unit
	key := HeadKey(signer)
	unit, _, err := svc.Unit(ctx, st.Unit)
	if err != nil {
		return app.Result{}, err
	}
	if _, ok := unit.SigningKey(domain.KeyID(key.Public().(ed25519.PublicKey))); !ok {
		anyRev := app.AnyRevision
		if _, err := svc.RegisterSigningKey(ctx, app.Call{Actor: keyOffice, IfMatch: &anyRev}, st.Unit,
			domain.NewKeyRegistration(st.Unit, signer.Subject, key)); err != nil {
			return app.Result{}, err
		}
	}
	return svc.SignCommitmentWithKey(ctx, call, id, domain.SignCommitment{}, key)
}
