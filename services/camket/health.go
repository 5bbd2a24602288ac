package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// health asks a running camket whether it is ready: exit 0 when /readyz
// answers 200. Container health checks use it (the runtime image has no
// curl).
func health(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://"+env("CAMKET_HTTP_ADDR", "127.0.0.1:8080")+"/readyz", "URL to probe")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("%w: --url: %v", errUsage, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probing %s: %w", *url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probing %s: status %d", *url, resp.StatusCode)
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}
