package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/sheet"
	"dadirectory/internal/validate"
)

// An admin imports a spreadsheet of contacts in steps: the upload is read (internal/sheet)
// and kept, with its rows, for that admin alone under a random token; the admin says which
// column holds what; a dry run says what each row would do; confirming applies exactly that
// dry run in one transaction, through the admin contact form's own create and update, so
// every change is checked and audited as a form's is. This file keeps the upload and its
// mapping; contact_import_plan.go makes and applies the dry run.

// ImportField is a field of a contact that a column of the sheet can fill.
type ImportField struct {
	Name, Label, Hint string
	Required          bool
	// guesses are column names that usually hold this field, lower case, words only.
	guesses []string
}

// ImportFields are the fields a sheet's columns map to, in the order the mapping page asks.
var ImportFields = []ImportField{
	{Name: "organisation", Label: "Organisation", Required: true,
		Hint:    "Its name as the directory shows it, or the last part of its page's address (such as womens-aid).",
		guesses: []string{"organisation", "organization", "organisation name", "organization name", "org", "agency", "agency name", "company", "provider", "landlord", "rsl", "housing association"}},
	{Name: "person_name", Label: "Contact name", Hint: "The person's name, if the contact is a named person.",
		guesses: []string{"name", "contact name", "contact", "person", "full name", "named contact", "officer", "officer name", "contact person", "champion"}},
	{Name: "role_title", Label: "Role", Required: true, Hint: "Such as Duty line or Housing Domestic Abuse Champion – Wishaw.",
		guesses: []string{"role", "role title", "job title", "title", "position", "post", "job role", "team"}},
	{Name: "phone", Label: "Phone", Hint: "UK numbers. Several in one cell are separated by ; or / and may be labelled, as in Mobile: 07700 900123.",
		guesses: []string{"phone", "phone number", "telephone", "telephone number", "tel", "number", "contact number", "mobile", "phone numbers"}},
	{Name: "email", Label: "Email", guesses: []string{"email", "e mail", "email address", "e mail address", "mail"}},
	{Name: "area", Label: "Area", Hint: "Areas the contact covers, by name, separated by ; or commas.",
		guesses: []string{"area", "areas", "area covered", "areas covered", "locality", "patch", "town"}},
	{Name: "visibility", Label: "Visibility", Hint: "Public (everyone) or staff (signed-in staff only). Left empty, a new contact is staff only.",
		guesses: []string{"visibility", "visible to", "who can see", "public or staff", "audience", "access"}},
}

// ImportMapping says which column (from 0) holds each field, by field name; a field not in
// the map is not in the sheet.
type ImportMapping map[string]int

// ContactImport is an uploaded sheet waiting for its mapping and confirmation.
type ContactImport struct {
	Token     string
	FileName  string
	Format    string
	Header    []string
	Rows      []sheet.Row
	Mapping   ImportMapping // nil until mapped
	CreatedAt time.Time
}

// Columns are the sheet's columns as the mapping page offers them: "B: Telephone".
func (c ContactImport) Columns() []string {
	out := make([]string, len(c.Header))
	for i, h := range c.Header {
		out[i] = sheet.ColumnLetter(i)
		if h != "" {
			out[i] += ": " + h
		}
	}
	return out
}

// importTTL is how long an upload is kept unconfirmed.
const importTTL = 24 * time.Hour

var importWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// words is s in lower case, words only, single spaces: "E-mail address" is "e mail address".
func words(s string) string {
	return strings.Join(importWord.FindAllString(strings.ToLower(s), -1), " ")
}

// GuessMapping maps the header's columns to fields by their names: a column named exactly as
// a field is usually named first, then one whose name contains such a name; each column
// fills one field at most.
func GuessMapping(header []string) ImportMapping {
	type score struct{ field, col, points int }
	var scores []score
	for fi, f := range ImportFields {
		for ci, h := range header {
			h := words(h)
			if h == "" {
				continue
			}
			best := 0
			for _, g := range f.guesses {
				switch {
				case h == g:
					best = max(best, 1000+len(g))
				case strings.HasPrefix(h, g+" ") || strings.HasSuffix(h, " "+g) || strings.Contains(h, " "+g+" "):
					best = max(best, len(g))
				}
			}
			if best > 0 {
				scores = append(scores, score{fi, ci, best})
			}
		}
	}
	slices.SortStableFunc(scores, func(a, b score) int { return b.points - a.points })
	m := ImportMapping{}
	used := map[int]bool{}
	for _, s := range scores {
		name := ImportFields[s.field].Name
		if _, done := m[name]; done || used[s.col] {
			continue
		}
		m[name] = s.col
		used[s.col] = true
	}
	return m
}

// ReadImportMapping reads the mapping form: one value per field, a column number or "" for
// none. It returns validate.Errors keyed by field name for a value that is not a column, a
// required field left out or a column chosen twice.
func ReadImportMapping(get func(string) string, columns int) (ImportMapping, validate.Errors) {
	var e validate.Errors
	m := ImportMapping{}
	by := map[int]string{}
	for _, f := range ImportFields {
		v := get(f.Name)
		if v == "" {
			if f.Required {
				e.Add(f.Name, "Choose the column that holds the "+strings.ToLower(f.Label)+": every contact needs one")
			}
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n >= columns || strconv.Itoa(n) != v {
			e.Add(f.Name, "Choose a column of the sheet for the "+strings.ToLower(f.Label)+" from the list")
			continue
		}
		if other, dup := by[n]; dup {
			e.Add(f.Name, "Column "+sheet.ColumnLetter(n)+" is already chosen for the "+strings.ToLower(other)+": choose another for the "+strings.ToLower(f.Label))
			continue
		}
		by[n] = f.Label
		m[f.Name] = n
	}
	return m, e
}

// importToken makes a token and the digest that is stored.
func importToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, tokenHash(tok)
}

func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// validToken reports whether tok has the shape importToken gives, so nothing else reaches SQL.
func validToken(tok string) bool {
	if len(tok) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(tok)
	return err == nil
}

// SaveContactImport keeps sheet s, uploaded by admin v as fileName, and returns its token.
// Uploads older than a day, and all but v's three latest, are removed.
func (s *Store) SaveContactImport(ctx context.Context, v access.Viewer, fileName string, sh *sheet.Sheet) (string, error) {
	if !v.IsAdmin() {
		return "", edit.ErrNotFound
	}
	rows, err := json.Marshal(sh.Rows)
	if err != nil {
		return "", err
	}
	tok, hash := importToken()
	// The name is shown back on the pages: anything but a plain line of text is not.
	var e validate.Errors
	if e.Name("file", "File name", fileName, true, 200); len(e) > 0 {
		fileName = "the sheet"
	}
	_, err = s.db.Exec(ctx, `WITH gone AS (
			DELETE FROM contact_imports WHERE created_at < now() - make_interval(secs => $6)
				OR id IN (SELECT id FROM contact_imports WHERE user_id = $2 ORDER BY id DESC OFFSET 3))
		INSERT INTO contact_imports (token_hash, user_id, file_name, format, header, rows) VALUES ($1, $2, $3, $4, $5, $7)`,
		hash, v.UserID, fileName, sh.Format, sh.Header, importTTL.Seconds(), rows)
	return tok, wrapEdit("save contact import", err)
}

// ContactImport returns the upload named by token, if admin v made it and it has not expired;
// edit.ErrNotFound otherwise.
func (s *Store) ContactImport(ctx context.Context, v access.Viewer, token string) (ContactImport, error) {
	return loadContactImport(ctx, s.db, v, token, false)
}

func loadContactImport(ctx context.Context, q postgres.Querier, v access.Viewer, token string, lock bool) (ContactImport, error) {
	if !v.IsAdmin() || !validToken(token) {
		return ContactImport{}, edit.ErrNotFound
	}
	sql := `SELECT file_name, format, header, rows, mapping, created_at FROM contact_imports
		WHERE token_hash = $1 AND user_id = $2 AND created_at >= now() - make_interval(secs => $3)`
	if lock {
		sql += ` FOR UPDATE`
	}
	c := ContactImport{Token: token}
	var rows []byte
	var mapping []byte
	err := q.QueryRow(ctx, sql, tokenHash(token), v.UserID, importTTL.Seconds()).
		Scan(&c.FileName, &c.Format, &c.Header, &rows, &mapping, &c.CreatedAt)
	if isNoRows(err) {
		return c, edit.ErrNotFound
	}
	if err != nil {
		return c, wrapEdit("contact import", err)
	}
	if err := json.Unmarshal(rows, &c.Rows); err != nil {
		return c, wrapEdit("contact import rows", err)
	}
	if mapping != nil {
		if err := json.Unmarshal(mapping, &c.Mapping); err != nil {
			return c, wrapEdit("contact import mapping", err)
		}
	}
	return c, nil
}

// MapContactImport records which column holds what for the upload named by token.
func (s *Store) MapContactImport(ctx context.Context, v access.Viewer, token string, m ImportMapping) error {
	if !v.IsAdmin() || !validToken(token) {
		return edit.ErrNotFound
	}
	tag, err := s.db.Exec(ctx, `UPDATE contact_imports SET mapping = $3 WHERE token_hash = $1 AND user_id = $2`,
		tokenHash(token), v.UserID, m)
	if err != nil {
		return wrapEdit("map contact import", err)
	}
	if tag.RowsAffected() != 1 {
		return edit.ErrNotFound
	}
	return nil
}
