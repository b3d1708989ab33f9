package library_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/library"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// demoStore is a Store over a fresh database holding the demo directory and library.
func demoStore(t *testing.T) (*library.Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return library.NewStore(pool), pool
}

// viewerOf adds a user with role (of the agency with slug, when given) and returns them as a
// Viewer, so audit events have a real actor.
func viewerOf(t *testing.T, pool *pgxpool.Pool, role access.Role, slug string) access.Viewer {
	t.Helper()
	v := access.Viewer{Role: role}
	var agency *int64
	if slug != "" {
		if err := pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&v.AgencyID); err != nil {
			t.Fatalf("agency %s: %v", slug, err)
		}
		agency = &v.AgencyID
	}
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role, agency_id)
		VALUES ('lib-' || gen_random_uuid() || '@example.org', 'Librarian', $1, $2) RETURNING id`, string(role), agency).Scan(&v.UserID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Files of each kind, as small as the detector still recognises.

func pdfBytes(size int) []byte {
	b := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
	for len(b) < size-6 {
		b = append(b, "% padding line of the test document\n"...)
	}
	return append(b, "%%EOF\n"...)
}

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<?xml version=\"1.0\"?><x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func docxBytes(t *testing.T) []byte {
	return zipWith(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
}

// odtBytes is an OpenDocument text file: its first entry is "mimetype", stored uncompressed.
func odtBytes(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("application/vnd.oasis.opendocument.text"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte("<x/>"))
	zw.Close()
	return buf.Bytes()
}

var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

var exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)

func upload(name string, b []byte) *library.Upload {
	return &library.Upload{Filename: name, Size: int64(len(b)), Content: bytes.NewReader(b)}
}
