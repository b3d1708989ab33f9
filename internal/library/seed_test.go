package library_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/gabriel-vasile/mimetype"

	"dadirectory/internal/access"
	"dadirectory/internal/seed"
)

// The demo library loads idempotently: a second run changes nothing, and its generated PDF is
// one the library itself would accept.
func TestDemoLibrary(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	if _, err := seed.Demo(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM resources WHERE demo AND version = 1`); n != len(seed.LibraryResources) {
		t.Errorf("%d of %d demo resources at version 1 after a second run", n, len(seed.LibraryResources))
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_files`); n != 1 {
		t.Errorf("%d files after a second run", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM resources WHERE visibility = 'staff'`); n < 1 || n > 2 {
		t.Errorf("%d staff-only demo resources", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM resources WHERE url !~ '^https://'`); n != 0 {
		t.Errorf("%d demo links are not https", n)
	}
	// A demo row someone changed is brought back, and a file that differs is replaced.
	if _, err := pool.Exec(ctx, `UPDATE resources SET title = 'Changed' WHERE slug = 'dash-risk-checklist';
		UPDATE resource_files SET sha256 = decode(repeat('00', 32), 'hex')`); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM resources WHERE version = 2 AND slug IN ('dash-risk-checklist', 'marac-operating-protocol')
		AND title <> 'Changed'`); n != 2 {
		t.Errorf("%d changed demo rows restored", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_files f JOIN resources r ON r.file_id = f.id WHERE f.sha256 <> decode(repeat('00', 32), 'hex')`); n != 1 {
		t.Errorf("file not replaced: %d", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_files`); n != 1 {
		t.Errorf("%d files after replacing one", n)
	}
	r, err := s.FileOf(ctx, viewerOf(t, pool, access.HousingStaff, ""), "marac-operating-protocol")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.CopyFile(ctx, *r.File, &buf); err != nil {
		t.Fatal(err)
	}
	if m := mimetype.Detect(buf.Bytes()); !m.Is("application/pdf") || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.HasSuffix(buf.Bytes(), []byte("%%EOF\n")) {
		t.Errorf("demo file is %s", m)
	}
	if int64(buf.Len()) != r.File.Size {
		t.Errorf("size %d, stored %d", buf.Len(), r.File.Size)
	}
}
