package loadgen

import (
	"time"

	"github.com/camket/camket/pkg/auth"
)

// SignedBy returns a TokenSource that signs tokens with keys (a data
// directory's key, as camket token issue does), valid for ttl.
func SignedBy(keys *auth.Keys, ttl time.Duration) TokenSource {
	return func(role, unit, subject string) (string, error) {
		r, err := auth.ParseRole(role)
		if err != nil {
			return "", err
		}
		return keys.Issue(subject, r, unit, ttl, time.Now())
	}
}
