package demo

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// headKey returns the signing key of unit's head in the demo. It is derived
// from a public seed so that every Load, on any machine, signs with the key
// it registered: demo signatures verify, but prove nothing about a person.
// A real head generates their key with `camket keys generate`.
func headKey(unit string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("camket demo signing key: " + unit))
	return ed25519.NewKeyFromSeed(seed[:])
}

// signingKey has the office register the demo key of unit's head, unless
// the unit already holds it.
func (l *loader) signingKey(ctx context.Context, unit string) error {
	key := headKey(unit)
	st, _, err := l.svc.Unit(ctx, unit)
	if err != nil {
		return err
	}
	if _, ok := st.SigningKey(domain.KeyID(key.Public().(ed25519.PublicKey))); ok {
		return nil
	}
	return l.update("registering the signing key of the head of "+unit, func() (app.Result, error) {
		return l.svc.RegisterSigningKey(ctx, changing(office, ""), unit, domain.NewKeyRegistration(unit, head(unit).Subject, key))
	})
}
