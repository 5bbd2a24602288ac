package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/camket/camket/pkg/auth"
)

// keyDir is where the token signing key lives under the data directory.
func keyDir(dataDir string) string { return filepath.Join(dataDir, "keys") }

// token runs `camket token issue`: it prints a bearer token signed with the
// key under the data directory (created when missing).
func token(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "issue" {
		return fmt.Errorf("%w: camket token issue --role ROLE [--unit CODE] --subject NAME [--ttl 720h] [--data DIR]", errUsage)
	}
	fs := flag.NewFlagSet("camket token issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	role := fs.String("role", "", "admin, office, unit_head, reporter, auditor or viewer")
	unit := fs.String("unit", "", "unit code, for unit_head and reporter")
	subject := fs.String("subject", "", "who the token is for (recorded as the actor of every change)")
	ttl := fs.Duration("ttl", 30*24*time.Hour, "how long the token is valid")
	if help, err := parseTool(fs, args[1:]); help || err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("%w: --role: %v", errUsage, err)
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		return fmt.Errorf("%w: --data: %v", errUsage, err)
	}
	keys, _, err := auth.LoadOrCreateKey(keyDir(dir))
	if err != nil {
		return err
	}
	tok, err := keys.Issue(*subject, r, *unit, *ttl, time.Now())
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
