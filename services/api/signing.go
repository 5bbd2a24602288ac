package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// registerSigningKey answers POST /api/v1/units/:code/signing-keys: the
// office registers a head's public key (the key ceremony); Result.ID is
// the key id.
func (s *Server) registerSigningKey(c echo.Context) error {
	return command(s, http.StatusCreated, s.unitResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.RegisterSigningKey) (app.Result, error) {
		code, err := unitParam(c)
		if err != nil {
			return app.Result{}, err
		}
		res, err := s.svc.RegisterSigningKey(ctx, call, code, body)
		if err == nil {
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/units/"+code)
		}
		return res, err
	})(c)
}

// keyIDPattern is the form of a key id: 32 lower-case hex digits.
var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// revokeSigningKey answers POST /api/v1/units/:code/signing-keys/:key/revoke.
func (s *Server) revokeSigningKey(c echo.Context) error {
	return command(s, http.StatusOK, s.unitResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.ReasonCommand) (app.Result, error) {
		code, err := unitParam(c)
		if err != nil {
			return app.Result{}, err
		}
		key := c.Param("key")
		if !keyIDPattern.MatchString(key) {
			return app.Result{}, domain.NotFound("key", "Không tìm thấy khóa ký", "signing key not found")
		}
		return s.svc.RevokeSigningKey(ctx, call, code, key, body)
	})(c)
}

// getSigningContent answers GET /api/v1/commitments/:id/signing-content
// with the exact bytes a signature of the commitment's next version must
// cover (canonical JSON), for the caller or for ?signer=SUBJECT. With
// ?format=text it answers a readable rendering of the same content. The
// ETag is the commitment's revision: send it as If-Match when signing.
func (s *Server) getSigningContent(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	signer := actor.Subject
	if q := c.QueryParam("signer"); q != "" {
		if signer, err = cleanQuery("signer", q); err != nil {
			return err
		}
	}
	content, st, v, err := s.svc.SigningContent(c.Request().Context(), id, signer)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(content)
	h := c.Response().Header()
	h.Set("ETag", etag(v.Revision))
	h.Set("X-Camket-Content-SHA256", hex.EncodeToString(sum[:]))
	h.Set("X-Camket-Signing-Version", strconv.Itoa(st.NextVersion()))
	switch c.QueryParam("format") {
	case "", "canonical":
		return c.Blob(http.StatusOK, "application/json", content)
	case "text":
		return c.String(http.StatusOK, renderSigningContent(st, signer, hex.EncodeToString(sum[:])))
	}
	return domain.Invalid("format", "format là canonical hoặc text", "format is canonical or text")
}

func cleanQuery(field, v string) (string, error) {
	out, err := domain.CleanText(field, v, domain.MaxShortLen, true)
	if err != nil {
		return "", err
	}
	return out, nil
}

// renderSigningContent is the canonical content as a person reads it,
// Vietnamese first, with the SHA-256 of the canonical bytes so the signer
// can match it with what `camket sign` prints.
func renderSigningContent(st domain.CommitmentState, signer, sum string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CAM KẾT / COMMITMENT: %s\n", st.Title)
	fmt.Fprintf(&b, "Mã / Id: %s\n", st.ID)
	fmt.Fprintf(&b, "Đơn vị / Unit: %s\n", st.Unit)
	fmt.Fprintf(&b, "Kỳ / Period: %s\n", st.Period)
	if st.DocumentID != "" {
		fmt.Fprintf(&b, "Văn bản / Document: %s\n", st.DocumentID)
	}
	fmt.Fprintf(&b, "Phiên bản ký / Version signed: %d\n", st.NextVersion())
	fmt.Fprintf(&b, "Người ký / Signer: %s\n", signer)
	fmt.Fprintf(&b, "Chỉ tiêu / Indicators (%d):\n", len(st.Indicators))
	for i, ind := range st.Indicators {
		dir := "≥"
		if ind.Direction == domain.AtMost {
			dir = "≤"
		}
		fmt.Fprintf(&b, "%3d. %s\n     %s %s %s; trọng số / weight %s", i+1, ind.Name, ind.Measure, dir,
			strconv.FormatFloat(ind.Target, 'f', -1, 64), strconv.FormatFloat(ind.Weight, 'f', -1, 64))
		if !ind.DueOn.IsZero() {
			fmt.Fprintf(&b, "; hạn / due %s", ind.DueOn.Display())
		}
		if ind.Area != "" {
			fmt.Fprintf(&b, "; lĩnh vực / area %s", ind.Area)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "SHA-256 nội dung chuẩn / of the canonical bytes: %s\n", sum)
	return b.String()
}
