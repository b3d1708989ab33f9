package server

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/searchform"
	"dadirectory/internal/sheet"
	"dadirectory/internal/uktime"
)

// Signed-in staff download what they see as CSV: a directory search's results and an
// organisation's contacts. Each is read through the same store call as its page, with the
// viewer, so what a download holds is what the page shows that viewer (staff-only numbers
// for staff, decided in SQL); the public gets 404, as for a page that does not exist. Cells
// are made formula-safe (sheet.Safe). Neither the search nor its results are logged.

// handleDirectoryCSV is /directory.csv?<the search's query>: every result (up to
// directory.MaxDownload), in the order the pages show them.
func (s *Server) handleDirectoryCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	if !v.IsStaff() {
		return edit.ErrNotFound
	}
	q, err := directory.ParseQuery(r.URL.Query())
	if err != nil {
		return badForm(err)
	}
	res, err := s.directory.SearchAll(ctx, v, q, directory.MaxDownload)
	if errors.As(err, new(*searchform.UnknownFilterError)) {
		return badForm(err)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw, _ := sheet.NewWriter(&buf)
	cw.Write("Organisation", "Type", "Summary", "Main phone", "Open 24 hours", "Areas", "Who can see it",
		"Matched contact", "Matched contact's name", "Matched contact's phone", "Page")
	for _, a := range res.Agencies {
		areas := strings.Join(a.Areas, "; ")
		if a.CoversAll {
			areas = "All areas"
		}
		var role, name, number string
		if c := a.Contact; c != nil {
			role, name, number = c.RoleTitle, c.PersonName, c.Phone.Display()
		}
		cw.Write(a.Name, a.Kind.Label(), a.Summary, phoneDisplay(a.Phone), yesNo(a.Open24h), areas, seenBy(a.StaffOnly),
			role, name, number, s.pageAddress("/agencies/"+a.Slug))
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return s.sendCSV(w, r, "directory-search-"+londonToday()+".csv", buf.Bytes())
}

// handleAgencyContactsCSV is /agencies/{slug}/contacts.csv: the organisation's contacts this
// viewer may see, read as its page reads them.
func (s *Server) handleAgencyContactsCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	if !v.IsStaff() {
		return edit.ErrNotFound
	}
	a, err := s.directory.Agency(ctx, v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw, _ := sheet.NewWriter(&buf)
	cw.Write("Organisation", "Role", "Name", "Phone", "Email", "Hours", "Notes", "Kind of contact", "Who can see it")
	for _, c := range a.Contacts {
		phones := make([]string, len(c.Phones))
		for i, p := range c.Phones {
			phones[i] = p.Display()
			if p.Label != "" {
				phones[i] = p.Label + ": " + phones[i]
			}
		}
		cw.Write(a.Name, c.RoleTitle, c.PersonName, strings.Join(phones, "; "), c.Email, c.Hours, c.Notes,
			directory.ContactKindLabel(c.Kind), seenBy(c.StaffOnly))
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return s.sendCSV(w, r, a.Slug+"-contacts-"+londonToday()+".csv", buf.Bytes())
}

// sendCSV answers with a CSV download named filename: never cached, never sniffed as a page.
func (s *Server) sendCSV(w http.ResponseWriter, r *http.Request, filename string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// pageAddress is the full address of path on this site, or path when the site's address is
// not configured.
func (s *Server) pageAddress(path string) string {
	if s.cfg.BaseURL == nil {
		return path
	}
	return strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + path
}

func phoneDisplay(digits string) string {
	if digits == "" {
		return ""
	}
	return directory.Phone{Number: digits}.Display()
}

func yesNo(b bool) string { return edit.YesNo(b) }

func seenBy(staffOnly bool) string {
	if staffOnly {
		return "Signed-in staff only"
	}
	return "Everyone"
}

// londonToday is today's date in Europe/London, as file names carry it: 2026-12-06.
func londonToday() string { return time.Now().In(uktime.London).Format(time.DateOnly) }
