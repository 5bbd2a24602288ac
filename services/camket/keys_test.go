package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// request sends body with token and If-Match, and returns status and body.
func request(t *testing.T, method, url, token, ifMatch, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// camketIO runs the binary with stdin and returns its exit code, stdout and stderr.
func camketIO(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// A unit head generates a key, the office registers what keys generate
// printed, and camket sign signs the commitment against a running camket;
// the history shows the signature as valid. A key the office never
// registered is refused, naming key_id.
func TestAHeadGeneratesAKeyAndSignsWithTheCLI(t *testing.T) {
	data := t.TempDir()
	srv := startServe(t, data)
	office := issueToken(t, data, "--role", "office", "--subject", "vp")
	head := issueToken(t, data, "--role", "unit_head", "--unit", "CAT", "--subject", "nguyen.van.a")
	auditor := issueToken(t, data, "--role", "auditor", "--subject", "thanhtra")
	api := srv.url + "/api/v1"
	if s, b := request(t, "POST", api+"/units", office, "", `{"code":"CAT","name":"Công an tỉnh","kind":"agency"}`); s != 201 {
		t.Fatalf("unit: %d %s", s, b)
	}
	s, b := request(t, "POST", api+"/commitments", office, "", `{"unit":"CAT","period":"2021-Q2","title":"Cam kết CCHC quý II/2021"}`)
	var c struct{ ID string }
	if err := json.Unmarshal(b, &c); err != nil || s != 201 {
		t.Fatalf("commitment: %d %s", s, b)
	}
	if s, b := request(t, "POST", api+"/commitments/"+c.ID+"/indicators", office, "*", `{"name":"Tỷ lệ hồ sơ trực tuyến","measure":"percent","target":80}`); s != 201 {
		t.Fatalf("indicator: %d %s", s, b)
	}

	keyFile := filepath.Join(t.TempDir(), "head.pem")
	code, out, errOut := camketIO(t, nil, "keys", "generate", "--out", keyFile, "--unit", "cat", "--subject", "nguyen.van.a")
	if code != 0 {
		t.Fatalf("keys generate: exit %d: %s", code, errOut)
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the private key file: %v, %v; want mode 0600", st, err)
	}
	_, registration, ok := strings.Cut(out, "registration (POST /api/v1/units/CAT/signing-keys): ")
	if !ok {
		t.Fatalf("keys generate printed no registration body: %s", out)
	}
	if code, _, _ := camketIO(t, nil, "keys", "generate", "--out", keyFile); code != 1 {
		t.Errorf("keys generate over an existing key file: exit %d, want 1", code)
	}
	if s, b := request(t, "POST", api+"/units/CAT/signing-keys", office, "*", strings.TrimSpace(registration)); s != 201 {
		t.Fatalf("registering the printed body: %d %s", s, b)
	}

	otherFile := filepath.Join(t.TempDir(), "other.pem")
	if code, _, errOut := camketIO(t, nil, "keys", "generate", "--out", otherFile); code != 0 {
		t.Fatalf("keys generate: %s", errOut)
	}
	code, _, errOut = camketIO(t, nil, "sign", "--key", otherFile, "--url", srv.url, "--token", head, "--commitment", c.ID)
	if code != 1 || !strings.Contains(errOut, "422 key_id: this key is not registered to you") {
		t.Errorf("signing with an unregistered key: exit %d, %s", code, errOut)
	}
	code, out, errOut = camketIO(t, nil, "sign", "--key", keyFile, "--url", srv.url, "--token", head, "--commitment", c.ID, "--signer-name", "Đại tá Nguyễn Văn A")
	if code != 0 || !strings.Contains(errOut, "Tỷ lệ hồ sơ trực tuyến") || !strings.Contains(out, `"revision":2`) {
		t.Fatalf("camket sign: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}

	s, b = request(t, "GET", api+"/history/commitment-"+c.ID, auditor, "", "")
	var h struct {
		Signatures []struct {
			Version  int    `json:"version"`
			SignedBy string `json:"signed_by"`
			Status   string `json:"status"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(b, &h); err != nil || s != 200 || len(h.Signatures) != 1 ||
		h.Signatures[0].Status != "valid" || h.Signatures[0].SignedBy != "nguyen.van.a" || h.Signatures[0].Version != 1 {
		t.Fatalf("history after signing: %d %s", s, b)
	}
}

// Without --url, camket sign signs stdin and prints the body to post.
func TestSignSignsStdin(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	code, out, _ := camketIO(t, nil, "keys", "generate", "--out", keyFile)
	pubLine := out[strings.Index(out, "public_key: ")+len("public_key: "):]
	pub, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.SplitN(pubLine, "\n", 2)[0]))
	if code != 0 || err != nil {
		t.Fatalf("keys generate: %d %s %v", code, out, err)
	}
	content := []byte(`{"format":"camket.commitment-signature.v1","version":1}`)
	code, out, errOut := camketIO(t, content, "sign", "--key", keyFile)
	var body signature
	if err := json.Unmarshal([]byte(out), &body); code != 0 || err != nil || body.KeyID == "" {
		t.Fatalf("sign: exit %d, %s %s", code, out, errOut)
	}
	sig, err := base64.StdEncoding.DecodeString(body.Signature)
	if err != nil || !ed25519.Verify(pub, content, sig) {
		t.Fatalf("the printed signature does not verify over stdin: %s", out)
	}
	if !ed25519.Verify(pub, content, sig) || ed25519.Verify(pub, append(content, ' '), sig) {
		t.Fatal("the signature covers other bytes than stdin")
	}
	if code, _, _ := camketIO(t, nil, "sign"); code != 2 {
		t.Errorf("sign without --key: exit %d, want 2", code)
	}
}
