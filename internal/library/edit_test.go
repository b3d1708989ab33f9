package library_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/library"
	"dadirectory/internal/validate"
)

func linkInput(title string) library.Input {
	return library.Input{Title: title, Summary: "A summary.", Kind: "guidance", Topics: []string{"housing"},
		Visibility: library.Public, URL: "https://www.example.org/guide"}
}

func fieldErr(err error, field string) string {
	var errs validate.Errors
	if !errors.As(err, &errs) {
		return ""
	}
	for _, e := range errs {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func TestCreateLinkByAdmin(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	in := linkInput("  Women's Aid & housing: a guide  ")
	in.Owner = "link-group"
	in.Topics = []string{"marac", "housing", "housing"}
	in.Summary = "Line one\r\nline two"
	r, err := s.Create(ctx, admin, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Slug != "womens-aid-and-housing-a-guide" || r.Title != "Women's Aid & housing: a guide" || r.Summary != "Line one line two" ||
		r.Owner == nil || r.Owner.Slug != "link-group" || len(r.Topics) != 2 || r.URL != in.URL || r.File != nil || r.Version != 1 ||
		r.ReviewDue == nil || r.StaffOnly {
		t.Fatalf("created %+v", r)
	}
	// The same title again gets a slug of its own; the slug never changes on rename.
	r2, err := s.Create(ctx, admin, in, nil)
	if err != nil || r2.Slug != "womens-aid-and-housing-a-guide-2" {
		t.Fatalf("second: %s %v", r2.Slug, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'resource.create' AND entity_id = $1 AND actor_id = $2
		AND after->>'title' = $3`, r.ID, admin.UserID, r.Title); n != 1 {
		t.Errorf("audit events: %d", n)
	}
	// Found by search, in its topics' words too.
	res, err := s.Search(ctx, access.Public, library.Query{Text: "marac guide", Page: 1})
	if err != nil || !strings.Contains(strings.Join(slugsOf(res.Resources), " "), r.Slug) {
		t.Errorf("search: %v %v", slugsOf(res.Resources), err)
	}
}

// Links must be absolute http or https; everything else is refused with a message naming the
// problem, and nothing is stored.
func TestCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	before := count(t, pool, `SELECT count(*) FROM resources`)
	for name, tc := range map[string]struct {
		edit  func(*library.Input)
		field string
		want  string
	}{
		"javascript":         {func(in *library.Input) { in.URL = "javascript:alert(1)" }, "url", "javascript:"},
		"javascript mixed":   {func(in *library.Input) { in.URL = " JaVaScRiPt:alert(document.cookie)" }, "url", "https://"},
		"data":               {func(in *library.Input) { in.URL = "data:text/html,<script>alert(1)</script>" }, "url", "data:"},
		"vbscript":           {func(in *library.Input) { in.URL = "vbscript:msgbox(1)" }, "url", "https://"},
		"protocol relative":  {func(in *library.Input) { in.URL = "//evil.example/x" }, "url", "https://"},
		"ftp":                {func(in *library.Input) { in.URL = "ftp://example.org/x" }, "url", "https://"},
		"no host":            {func(in *library.Input) { in.URL = "https:///path" }, "url", "https://"},
		"neither":            {func(in *library.Input) { in.URL = "" }, "url", "choose a file"},
		"no title":           {func(in *library.Input) { in.Title = "  " }, "title", "Enter title"},
		"long title":         {func(in *library.Input) { in.Title = strings.Repeat("a", 201) }, "title", "200 characters"},
		"title invalid utf8": {func(in *library.Input) { in.Title = "Guide \xff\xfe" }, "title", "cannot read"},
		"title nul":          {func(in *library.Input) { in.Title = "Guide\x00" }, "title", "not allowed"},
		"summary utf8":       {func(in *library.Input) { in.Summary = "a\xc3" }, "summary", "cannot read"},
		"url utf8":           {func(in *library.Input) { in.URL = "https://example.org/\xff" }, "url", "web address"},
		"kind":               {func(in *library.Input) { in.Kind = "recipe" }, "kind", "type"},
		"visibility":         {func(in *library.Input) { in.Visibility = "secret" }, "visibility", "who can see"},
		"unknown topic":      {func(in *library.Input) { in.Topics = []string{"housing", "no-such-topic"} }, "topics", "not on it"},
		"bad topic":          {func(in *library.Input) { in.Topics = []string{"<b>"} }, "topics", "from the list"},
		"unknown owner":      {func(in *library.Input) { in.Owner = "no-such-agency" }, "owner", "from the list"},
	} {
		in := linkInput("Good title")
		tc.edit(&in)
		_, err := s.Create(ctx, admin, in, nil)
		if msg := fieldErr(err, tc.field); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %v, want a %s error with %q", name, err, tc.field, tc.want)
		}
	}
	// Anyone but an admin or an RSL officer may not add resources at all.
	for _, role := range []access.Role{access.HousingStaff, access.Champion} {
		if _, err := s.Create(ctx, viewerOf(t, pool, role, ""), linkInput("Mine"), nil); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s created: %v", role, err)
		}
	}
	if _, err := s.Create(ctx, access.Public, linkInput("Mine"), nil); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous created: %v", err)
	}
	if after := count(t, pool, `SELECT count(*) FROM resources`); after != before {
		t.Errorf("resources %d -> %d", before, after)
	}
}

// Files are typed by what they contain: the name counts for nothing.
func TestUploadTypes(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	for name, tc := range map[string]struct {
		up       *library.Upload
		wantType string
		wantName string
	}{
		"pdf":               {upload("Report 2024.PDF", pdfBytes(3000)), "application/pdf", "Report 2024.pdf"},
		"pdf named exe":     {upload("tool.exe", pdfBytes(500)), "application/pdf", "tool.exe.pdf"},
		"docx":              {upload("letter.docx", docxBytes(t)), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx"},
		"odt":               {upload("notes.odt", odtBytes(t)), "application/vnd.oasis.opendocument.text", "notes.odt"},
		"png named jpeg":    {upload("photo.jpeg", pngBytes), "image/png", "photo.png"},
		"path and controls": {upload(`C:\Users\me\"evil"`+"\u202Egpj.pdf", pdfBytes(400)), "application/pdf", "_evil_gpj.pdf"},
		"nothing but a dot": {upload("...", pdfBytes(400)), "application/pdf", "file-test.pdf"},
		"invalid utf8 name": {upload("caf\xe9.pdf", pdfBytes(400)), "application/pdf", "caf.pdf"},
	} {
		in := linkInput("File test")
		in.URL = ""
		r, err := s.Create(ctx, admin, in, tc.up)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.File == nil || r.File.ContentType != tc.wantType || r.File.Filename != tc.wantName || r.URL != "" {
			t.Errorf("%s: %+v", name, r.File)
		}
	}

	before := count(t, pool, `SELECT count(*) FROM resource_files`)
	for name, tc := range map[string]struct {
		up   *library.Upload
		want string
	}{
		"html named pdf":    {upload("policy.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")), "web page or script"},
		"html with %PDF-":   {upload("policy.pdf", []byte("<html><script>alert(1)</script>%PDF-1.4</html>")), "web page or script"},
		"script named pdf":  {upload("policy.pdf", []byte("#!/bin/sh\nrm -rf /\n")), "web page or script"},
		"svg named png":     {upload("logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)), "web page or script"},
		"exe":               {upload("setup.exe", exeBytes), "PDF, Word, Excel"},
		"exe named pdf":     {upload("setup.pdf", exeBytes), "PDF, Word, Excel"},
		"zip named docx":    {upload("archive.docx", zipWith(t, "readme.txt")), "PDF, Word, Excel"},
		"empty":             {upload("empty.pdf", nil), "empty"},
		"oversize declared": {&library.Upload{Filename: "big.pdf", Size: library.MaxFileSize + 1, Content: bytes.NewReader(pdfBytes(100))}, "20 MB or smaller"},
		// The parser's size is trusted, but the content is counted too.
		"oversize content": {&library.Upload{Filename: "big.pdf", Size: 1000, Content: bytes.NewReader(pdfBytes(library.MaxFileSize + 10))}, "20 MB or smaller"},
	} {
		in := linkInput("Bad file")
		in.URL = ""
		_, err := s.Create(ctx, admin, in, tc.up)
		if msg := fieldErr(err, "file"); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %v, want a file error with %q", name, err, tc.want)
		}
	}
	if after := count(t, pool, `SELECT count(*) FROM resource_files`); after != before {
		t.Errorf("refused uploads stored files: %d -> %d", before, after)
	}
	// A link and a file together are refused.
	if _, err := s.Create(ctx, admin, linkInput("Both"), upload("a.pdf", pdfBytes(400))); !strings.Contains(fieldErr(err, "url"), "not both") {
		t.Errorf("both: %v", err)
	}
}

// A file is stored in chunks and comes back byte for byte.
func TestFileRoundTrip(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	content := pdfBytes(1300 << 10) // three chunks
	in := linkInput("Big document")
	in.URL, in.Visibility = "", library.Staff
	r, err := s.Create(ctx, admin, in, upload("big.pdf", content))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if r.File.Size != int64(len(content)) || r.File.Chunks != 3 || !bytes.Equal(r.File.SHA256, sum[:]) {
		t.Fatalf("file %+v", r.File)
	}
	got, err := s.FileOf(ctx, viewerOf(t, pool, access.HousingStaff, ""), r.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.CopyFile(ctx, *got.File, &buf); err != nil || !bytes.Equal(buf.Bytes(), content) {
		t.Fatalf("copy: %d bytes, %v", buf.Len(), err)
	}
	if _, err := s.FileOf(ctx, access.Public, r.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous file of staff resource: %v", err)
	}
	// A link resource has no file.
	if _, err := s.FileOf(ctx, access.Public, "dash-risk-checklist"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("file of a link: %v", err)
	}
}

// An organisation that is archived has left the directory: its officer may neither add to the
// library nor change what it published (issue 14, finding 6).
func TestOfficerOfArchivedOrganisationKeepsNothing(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	officer := viewerOf(t, pool, access.RSLOfficer, "link-group")
	r, err := s.Create(ctx, officer, linkInput("Our tenancy guide"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE agencies SET archived_at = now() WHERE slug = 'link-group'`); err != nil {
		t.Fatal(err)
	}
	before := count(t, pool, `SELECT count(*) FROM resources`)
	if _, err := s.Create(ctx, officer, linkInput("Published after archiving"), nil); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("create for an archived organisation: %v, want not found", err)
	}
	if _, err := s.ForEdit(ctx, officer, r.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("edit of an archived organisation's resource: %v, want not found", err)
	}
	if got, err := s.Managed(ctx, officer); err != nil || len(got) != 0 {
		t.Errorf("the officer still keeps %d resources (%v)", len(got), err)
	}
	if after := count(t, pool, `SELECT count(*) FROM resources`); after != before {
		t.Errorf("resources %d -> %d", before, after)
	}
}
