package main

import (
	"context"
	"flag"
	"log/slog"

	"dadirectory/internal/config"
	"dadirectory/internal/postgres"
)

func cmdBackup(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		return errUsage
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	if err := postgres.Backup(ctx, cfg.DatabaseURL, args[0]); err != nil {
		return err
	}
	log.Info("backup written", "file", args[0])
	return nil
}

func cmdRestore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	force := fs.Bool("force", false, "replace what the database holds")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return errUsage
	}
	if err := needDatabase(cfg); err != nil {
		return err
	}
	if err := postgres.Restore(ctx, cfg.DatabaseURL, fs.Arg(0), *force); err != nil {
		return err
	}
	log.Info("restored; start the app (or run migrate) to bring it up to this version", "file", fs.Arg(0))
	return nil
}
