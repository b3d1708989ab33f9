package server

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/library"
	"dadirectory/templates"
)

// manageBase is where viewer adds and changes resources: admins curate every one under
// /admin/resources, RSL officers their organisation's under /my/resources; "" for anyone else.
func manageBase(v access.Viewer) string {
	switch {
	case v.IsAdmin():
		return "/admin/resources"
	case v.IsStaff() && v.Role == access.RSLOfficer:
		return "/my/resources"
	}
	return ""
}

// handleResources searches and filters the library. A query it cannot use gets 400 with the
// form as the person filled it and a message saying what to change (serveSearch).
func (s *Server) handleResources(w http.ResponseWriter, r *http.Request) error {
	return serveSearch(s, w, r, library.ParseQuery, s.library.Search,
		func(ctx context.Context, q library.Query, res library.Results, errs []templates.FieldError) (templ.Component, error) {
			v := viewer(ctx)
			facets, err := s.library.Facets(ctx, v)
			if err != nil {
				return nil, err
			}
			res.Query = q
			return templates.Resources(s.base(r), templates.ResourcesPage{Facets: facets, Results: res, Errors: errs,
				ManageURL: manageBase(v)}), nil
		})
}

// handleResourceShow shows one resource, if the viewer may see it.
func (s *Server) handleResourceShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	res, err := s.library.Get(ctx, v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	page := templates.ResourcePage{Resource: res}
	if base := manageBase(v); base != "" && (v.IsAdmin() || res.OwnerID == v.AgencyID && !res.Archived) {
		page.EditURL = base + "/" + res.Slug + "/edit"
	}
	return s.render(w, r, http.StatusOK, templates.ResourceShow(s.base(r), page))
}

// handleResourceFile sends a resource's file, if the viewer may see the resource: with the
// type detected when it was uploaded, always as an attachment (never shown in the page's
// origin), nosniff, and sandboxed should a browser open it anyway. A staff-only file is never
// cached; a public one may be, privately and briefly.
func (s *Server) handleResourceFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	res, err := s.library.FileOf(ctx, viewer(ctx), chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	f := res.File
	etag := `"` + hex.EncodeToString(f.SHA256) + `"`
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", contentDisposition(f.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	h.Set("ETag", etag)
	if res.StaffOnly {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", "private, max-age=300")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && !res.StaffOnly && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if err := s.library.CopyFile(ctx, *f, w); err != nil {
		// Headers are gone: all that is left is to cut the response short, so the client
		// sees a failed download rather than a complete-looking broken file.
		if ctx.Err() == nil {
			s.log.WarnContext(ctx, "file download failed", slog.String("id", RequestIDFrom(ctx)),
				slog.String("path", r.URL.Path), slog.Any("err", err))
		}
		panic(http.ErrAbortHandler)
	}
	return nil
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == etag || t == "W/"+etag || t == "*" {
			return true
		}
	}
	return false
}

// contentDisposition is an attachment header carrying the file's name twice (RFC 6266): an
// ASCII fallback for old clients, and the exact UTF-8 name as filename*.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, encodeRFC5987(name))
}

// encodeRFC5987 percent-encodes every byte of s that is not an attr-char.
func encodeRFC5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
