package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventlog"
	"github.com/camket/camket/pkg/importer"
)

// errImportProblems is the failure of an import whose files have problems:
// they were printed one a line, and nothing was written.
var errImportProblems = errors.New("the files have problems; nothing was written / tệp có lỗi, chưa ghi gì")

// importCmd runs `camket import [--data DIR] [--dry-run] [--as NAME] FILE...`:
// it reads XLSX, CSV and YAML files, checks every row, prints each problem
// on one line (Vietnamese | English) and fails with nothing written when
// there is any; otherwise it applies them as an office actor and prints the
// counts. `camket import --template out.xlsx` writes an empty workbook with
// the expected sheets and headers instead. camket serve must not be running
// on the same data directory.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("camket import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := dataFlag(fs)
	dryRun := fs.Bool("dry-run", false, "check the files and count what would change; write nothing")
	as := fs.String("as", "import", "subject recorded as the actor (role office)")
	template := fs.String("template", "", "write an empty import template to this .xlsx or .yaml file and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: camket import [--data DIR] [--dry-run] [--as NAME] FILE...\n       camket import --template out.xlsx")
		fs.PrintDefaults()
	}
	if help, err := parseTool(fs, args); help || err != nil {
		return err
	}
	if *template != "" {
		return writeTemplate(*template, stdout)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: camket import [--data DIR] [--dry-run] FILE... (or --template out.xlsx)", errUsage)
	}
	if strings.TrimSpace(*as) == "" {
		return fmt.Errorf("%w: --as must name someone", errUsage)
	}
	batch, err := parseImportFiles(fs.Args())
	if err != nil {
		return err
	}
	store, err := openStopped(*data)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := app.New(eventlog.New(store, domain.NewRegistry(), time.Now))
	actor := domain.Actor{Subject: strings.TrimSpace(*as), Role: string(domain.RoleOffice)}
	res, err := importer.New(svc, actor).Import(ctx, batch, importer.Options{DryRun: *dryRun})
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		printProblems(stderr, res.Problems)
		return errImportProblems
	}
	fmt.Fprintln(stdout, res)
	return nil
}

// parseImportFiles reads every file into one batch, which keeps the
// problems found in each (Import reports them with its own).
func parseImportFiles(names []string) (*importer.Batch, error) {
	var all *importer.Batch
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		b, _, err := importer.Parse(filepath.Base(name), f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = b
		} else {
			all.Merge(b)
		}
	}
	return all, nil
}

func printProblems(w io.Writer, problems []importer.Problem) {
	for _, p := range problems {
		fmt.Fprintln(w, p.String())
	}
}

// writeTemplate writes the template whose format path's extension names.
func writeTemplate(path string, stdout io.Writer) error {
	format := importer.FormatOf(path)
	if format != importer.FormatXLSX && format != importer.FormatYAML {
		return fmt.Errorf("%w: --template must end in .xlsx or .yaml", errUsage)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing template: %w", err)
	}
	if err := importer.Template(f, format); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing template: %w", err)
	}
	fmt.Fprintf(stdout, "mẫu nhập / import template: %s\n", path)
	return nil
}
