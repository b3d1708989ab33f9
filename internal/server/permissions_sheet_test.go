package server

import (
	"context"
	"crypto/sha256"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
)

// The permission matrix rows of spreadsheets in and out: every signed-in person downloads
// what they see as CSV and the public gets 404 (as for a page that does not exist, with no
// sign-in page that would hint at it); only admins import, and an upload is its admin's alone.
func init() {
	featureMatrices = append(featureMatrices, sheetMatrix)
}

// matrixImportToken names the upload the matrix's admin has made (the shape of a real token).
const matrixImportToken = "matrixImportTokenmatrixImportTokenmatrixImp"

func sheetMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	admin := access.Admin
	staffAgency := ""
	if err := pool.QueryRow(context.Background(), `SELECT slug FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL ORDER BY slug LIMIT 1`).Scan(&staffAgency); err != nil {
		t.Fatal(err)
	}
	// Before each role's request, the matrix's admin (the latest account with that role) has an
	// upload of two rows under the token, mapped.
	upload := func(t *testing.T, _ roleSender) {
		t.Helper()
		h := sha256.Sum256([]byte(matrixImportToken))
		_, err := pool.Exec(context.Background(), `INSERT INTO contact_imports (token_hash, user_id, file_name, format, header, rows, mapping)
			VALUES ($1, (SELECT max(id) FROM users WHERE role = 'admin'), 'matrix.csv', 'CSV', '{Organisation,Role}',
				'[{"line": 2, "cells": ["Link Group", "Matrix line"]}]', '{"organisation": 0, "role_title": 1}')
			ON CONFLICT (token_hash) DO UPDATE SET user_id = EXCLUDED.user_id, mapping = EXCLUDED.mapping`, h[:])
		if err != nil {
			t.Fatal(err)
		}
	}
	imp := "/admin/import/contacts/" + matrixImportToken
	other := "/admin/import/contacts/" + strings.Repeat("A", 43)
	contacts := dbText(pool, `SELECT count(*)::text FROM contacts`)
	staffOK := func(path string) check { return everyone("GET", path, ok200).with(access.Anonymous, no404) }
	return map[string][]check{
		"GET /directory.csv": {staffOK("/directory.csv"), staffOK("/directory.csv?q=refuge&area=motherwell"),
			everyone("GET", "/directory.csv?area=atlantis", bad400).with(access.Anonymous, no404)},
		"GET /agencies/{slug}/contacts.csv": {staffOK("/agencies/galop/contacts.csv"),
			staffOK("/agencies/" + staffAgency + "/contacts.csv"), everyone("GET", "/agencies/no-such-agency/contacts.csv", no404)},
		"GET /admin/import/contacts": {only("GET", "/admin/import/contacts", ok200, admin)},
		// A form without its file is asked for the file.
		"POST /admin/import/contacts": {only("POST", "/admin/import/contacts", invalid422, admin)},
		"GET /admin/import/contacts/{token}": {only("GET", imp, ok200, admin).preparing(upload),
			only("GET", other, no404, admin), only("GET", "/admin/import/contacts/nonsense", no404, admin)},
		// An empty mapping leaves out the required columns.
		"POST /admin/import/contacts/{token}": {only("POST", imp, invalid422, admin).preparing(upload),
			only("POST", other, no404, admin)},
		"GET /admin/import/contacts/{token}/preview": {only("GET", imp+"/preview", ok200, admin).preparing(upload),
			only("GET", other+"/preview", no404, admin)},
		// A confirmation without the dry run's digest is shown the dry run again; nothing is added.
		"POST /admin/import/contacts/{token}/apply": {
			only("POST", imp+"/apply", conflict409, admin).preparing(upload).watching(contacts),
			only("POST", imp+"/apply", redirectTo("/admin/import/contacts").changed(), admin).preparing(upload).watching(contacts).
				sending(func(t *testing.T) url.Values {
					return url.Values{"plan": {matrixPlanDigest(t, pool)}}
				}),
		},
	}
}

// matrixPlanDigest is the digest of the dry run of the matrix admin's upload.
func matrixPlanDigest(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	v := access.Viewer{Role: access.Admin}
	if err := pool.QueryRow(context.Background(), `SELECT max(id) FROM users WHERE role = 'admin'`).Scan(&v.UserID); err != nil {
		t.Fatal(err)
	}
	s := directory.NewStore(pool)
	defer s.Close()
	p, err := s.PlanContactImport(context.Background(), v, matrixImportToken)
	if err != nil {
		t.Fatal(err)
	}
	return p.Digest
}
