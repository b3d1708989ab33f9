package server

import (
	"context"
	"testing"

	"dadirectory/internal/mail/mailtest"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// newMailApp is newApp with mail on: SMTP_URL points at a real SMTP server on loopback, and
// the test reads what arrives there. Links in emails start http://directory.example.org
// (BASE_URL; plain http, so the test client keeps its cookies).
func newMailApp(t *testing.T) (*app, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t)
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return startAppWith(t, pool, map[string]string{"SMTP_URL": smtp.URL().String(), "BASE_URL": "http://directory.example.org"}), smtp
}
