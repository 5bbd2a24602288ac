package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/camket/camket/pkg/domain"
)

// keysCmd runs `camket keys generate`: a unit head makes their signing key
// pair on their own machine. The private key goes to --out (mode 0600,
// never overwritten); stdout gets the key id, the public key and, with
// --unit and --subject, the JSON body the office posts to register it.
func keysCmd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "camket keys generate --out FILE [--unit CODE --subject NAME]"
	if len(args) == 0 || args[0] != "generate" {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	fs := flag.NewFlagSet("camket keys generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file for the private key (PEM, PKCS #8); created with mode 0600, never overwritten")
	unit := fs.String("unit", "", "the unit code the key signs for (to print the registration body)")
	subject := fs.String("subject", "", "your token subject (to print the registration body)")
	if help, err := parseTool(fs, args[1:]); help || err != nil {
		return err
	}
	if *out == "" || (*unit == "") != (*subject == "") {
		return fmt.Errorf("%w: %s", errUsage, use)
	}
	code := ""
	if *unit != "" {
		c, verr := domain.NormalizeUnitCode("unit", *unit)
		if verr != nil {
			return fmt.Errorf("%w: --unit: %s", errUsage, verr.EN)
		}
		code = c
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing the private key: %w", err)
	}
	if err := errors.Join(pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}), f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("writing the private key: %w", err)
	}
	fmt.Fprintf(stdout, "key_id: %s\npublic_key: %s\n", domain.KeyID(pub), base64.StdEncoding.EncodeToString(pub))
	if code != "" {
		body, err := json.Marshal(domain.NewKeyRegistration(code, *subject, priv))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "registration (POST /api/v1/units/%s/signing-keys): %s\n", code, body)
	}
	return nil
}

// readPrivateKey reads an Ed25519 private key written by keys generate.
func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s holds no PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an Ed25519 key", path)
	}
	return priv, nil
}

// signature is what `camket sign` prints and posts: the body of a signing.
type signature struct {
	SignerName string `json:"signer_name,omitempty"`
	KeyID      string `json:"key_id"`
	Signature  string `json:"signature"`
}

// signCmd runs `camket sign`. Without --url it signs the bytes on stdin
// (the signing content, saved from GET …/signing-content) and prints the
// JSON body to post to …/sign. With --url and --commitment it does the
// whole round: it fetches the content, shows its readable rendering on
// stderr, signs it and posts the signature (If-Match: the content's ETag),
// or with --dry-run only shows what it would sign.
func signCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket sign", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "your private key file (from camket keys generate)")
	url := fs.String("url", "", "camket's address, e.g. http://127.0.0.1:8080 (omit to sign stdin)")
	token := fs.String("token", env("CAMKET_TOKEN", ""), "your bearer token (CAMKET_TOKEN)")
	id := fs.String("commitment", "", "the commitment's id (with --url)")
	name := fs.String("signer-name", "", "your name and title as printed on the commitment")
	dry := fs.Bool("dry-run", false, "show what would be signed; sign nothing (with --url)")
	if help, err := parseTool(fs, args); help || err != nil {
		return err
	}
	if *keyFile == "" || (*url != "" && (*id == "" || *token == "")) {
		return fmt.Errorf("%w: camket sign --key FILE [--url U --token T --commitment ID [--signer-name N] [--dry-run]] (without --url: signing content on stdin)", errUsage)
	}
	priv, err := readPrivateKey(*keyFile)
	if err != nil {
		return err
	}
	sign := func(content []byte) signature {
		sum := sha256.Sum256(content)
		fmt.Fprintf(stderr, "SHA-256 of the signed content: %s\n", hex.EncodeToString(sum[:]))
		return signature{SignerName: *name, KeyID: domain.KeyID(priv.Public().(ed25519.PublicKey)),
			Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(priv, content))}
	}
	if *url == "" {
		content, err := io.ReadAll(io.LimitReader(stdin, 16<<20))
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(sign(content))
	}
	c := apiClient{base: strings.TrimRight(*url, "/") + "/api/v1/commitments/" + *id, token: *token}
	text, _, err := c.get(ctx, "/signing-content?format=text")
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, string(text))
	if *dry {
		return nil
	}
	content, tag, err := c.get(ctx, "/signing-content")
	if err != nil {
		return err
	}
	body, err := json.Marshal(sign(content))
	if err != nil {
		return err
	}
	res, err := c.post(ctx, "/sign", tag, body)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", res)
	return nil
}

// apiClient makes the few requests camket sign needs.
type apiClient struct{ base, token string }

func (c apiClient) do(ctx context.Context, method, path, ifMatch string, body []byte) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, strings.NewReader(string(body)))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, "", err
	}
	if resp.StatusCode >= 300 {
		var p struct {
			Field    string `json:"field"`
			DetailEN string `json:"detail_en"`
		}
		_ = json.Unmarshal(out, &p)
		if p.Field != "" {
			p.DetailEN = p.Field + ": " + p.DetailEN
		}
		return nil, "", fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, p.DetailEN)
	}
	return out, resp.Header.Get("ETag"), nil
}

func (c apiClient) get(ctx context.Context, path string) ([]byte, string, error) {
	return c.do(ctx, http.MethodGet, path, "", nil)
}

func (c apiClient) post(ctx context.Context, path, ifMatch string, body []byte) ([]byte, error) {
	out, _, err := c.do(ctx, http.MethodPost, path, ifMatch, body)
	return out, err
}
