package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"dadirectory/internal/config"
	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral/exchange"
	"dadirectory/internal/postgres"
)

// cmdExport writes the whole directory as HSDS: dadirectory export --format hsds-zip|json FILE.
func cmdExport(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", string(exchange.ZipFormat), "hsds-zip or json")
	if err := parseAnyOrder(fs, args); err != nil || fs.NArg() != 1 || fs.Arg(0) == "" {
		return errUsage
	}
	f, ok := exchange.ParseFormat(*format)
	if !ok {
		return errUsage
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	// Written beside the file and renamed over it, so a failed export leaves no half file.
	name := fs.Arg(0)
	tmp, err := os.CreateTemp(filepath.Dir(name), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := exchange.Export(ctx, pool, f, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported the directory to %s (%s)\n", name, f)
	return nil
}

// cmdImport reads an HSDS file and prints the dry run; with --apply it also makes the changes,
// all in one transaction, or none when the file has any problem.
func cmdImport(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	apply := fs.Bool("apply", false, "make the changes (without it: only the dry run)")
	if err := parseAnyOrder(fs, args); err != nil || fs.NArg() != 1 || fs.Arg(0) == "" {
		return errUsage
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, exchange.MaxFile+1))
	f.Close()
	if err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	dir := directory.NewStore(pool)
	base := filepath.Base(name)
	var plan exchange.Plan
	if *apply {
		plan, err = exchange.Apply(ctx, pool, dir, exchange.SystemViewer, base, data, "")
	} else {
		plan, err = exchange.Preview(ctx, pool, dir, exchange.SystemViewer, base, data)
	}
	var fe *exchange.FileError
	switch {
	case errors.As(err, &fe):
		for _, p := range fe.Problems {
			exchange.WriteProblem(stdout, p)
		}
		return errors.New("the file cannot be imported; nothing was changed")
	case errors.Is(err, exchange.ErrNotApplicable) && len(plan.Problems) == 0:
		plan.WriteText(stdout)
		fmt.Fprintln(stdout, "nothing to change")
		return nil
	case errors.Is(err, exchange.ErrNotApplicable):
		plan.WriteText(stdout)
		return errors.New("the file has problems; nothing was changed")
	case err != nil:
		return err
	}
	plan.WriteText(stdout)
	switch {
	case len(plan.Problems) > 0:
		return errors.New("the file has problems; nothing would be changed")
	case *apply:
		fmt.Fprintf(stdout, "applied %d changes\n", len(plan.Changes))
	case len(plan.Changes) > 0:
		fmt.Fprintln(stdout, "dry run: nothing changed; run again with --apply to make these changes")
	}
	return nil
}

// parseAnyOrder parses flags before or after the one argument (import FILE --apply), as the
// usage shows them; flag.Parse alone stops at the first argument.
func parseAnyOrder(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return nil
	}
	rest := fs.Args()
	return fs.Parse(append(rest[1:len(rest):len(rest)], rest[0]))
}
