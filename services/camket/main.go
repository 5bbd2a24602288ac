// Command camket is the one binary of camket: `camket serve` runs the API on
// the embedded event store; tools are subcommands of the same binary.
//
// Exit codes: 0 success, 1 failure, 2 bad usage. Errors go to stderr, one
// line each.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a command-line mistake: exit code 2.
var errUsage = errors.New("usage")

const usage = `camket — theo dõi cam kết cải cách hành chính / administrative-reform commitment tracker

Usage:
  camket serve [flags]     run everything on the embedded event store and NATS
  camket api|projector|alerter [flags]
                           one production role against EventStoreDB (CAMKET_ESDB_URL)
                           and a NATS cluster (CAMKET_NATS_URL)
  camket token issue --role ROLE [--unit CODE] --subject NAME [--ttl D]
                           print a bearer token for the API
  camket import [--data DIR] [--dry-run] [--as NAME] FILE...
                           import units, documents, tasks, commitments, indicators, reports
                           from YAML, CSV or XLSX (nothing is written when any row is bad)
  camket import --template out.xlsx
                           write a template with the expected sheets and columns
  camket demo load [--data DIR]
                           load the demo province (Kế hoạch 664, văn bản 2544, Q2 2021)
  camket audit verify [--data DIR]
                           recompute every event's hash chain; name the first broken link
  camket audit verify --bundle FILE
                           check an exported bundle offline, with no server and no data dir
  camket audit export [--data DIR] --out FILE
                           write the verified log and its checkpoints as a JSON Lines bundle
  camket audit seal [--data DIR]
                           append a checkpoint sealing the whole log up to its head
  camket alerts tail [--unit CODE] [--url nats://HOST:PORT]
                           print deadline alerts as they are published
  camket projector rebuild [--data DIR]
                           fold the whole log from zero into the board model; new checkpoint
  camket health [--url U]  exit 0 when a running camket is ready
  camket keys generate --out FILE [--unit CODE --subject NAME]
                           make a unit head's Ed25519 signing key; print what the office registers
  camket sign --key FILE [--url U --token T --commitment ID]
                           sign a commitment's signing content (stdin, or fetched and posted)
  camket loadgen [--url U] [--data DIR] [--users 50] [--rate R] [--duration 30s]
                           simulated unit staff and office against a running camket;
                           prints latency per operation, errors by kind, projection lag
  camket version           print the version

Run 'camket COMMAND -h' for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "token":
		err = token(ctx, args[1:], stdout, stderr)
	case "import":
		err = importCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		err = demoCmd(ctx, args[1:], stdout, stderr)
	case "audit":
		err = auditCmd(ctx, args[1:], stdout, stderr)
	case "api", "projector", "alerter":
		if args[0] == "projector" && len(args) > 1 && args[1] == "rebuild" {
			err = projectorCmd(ctx, args[1:], stdout, stderr)
			break
		}
		err = roleCmd(Role(args[0]))(ctx, args[1:], stdout, stderr)
	case "alerts":
		err = alertsCmd(ctx, args[1:], stdout, stderr)
	case "health":
		err = health(ctx, args[1:], stdout, stderr)
	case "keys":
		err = keysCmd(ctx, args[1:], stdout, stderr)
	case "sign":
		err = signCmd(ctx, args[1:], os.Stdin, stdout, stderr)
	case "loadgen":
		err = loadgenCmd(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "camket", version)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "camket: unknown command %q\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "camket:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "camket:", err)
		return 1
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"
