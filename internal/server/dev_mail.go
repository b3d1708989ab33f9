package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/edit"
	"dadirectory/templates"
)

// devMailRoutes registers /dev/mail, the mailbox `dev` keeps instead of sending (no SMTP_URL).
// serve never has a mailbox, so there the routes do not exist.
func (s *Server) devMailRoutes(r chi.Router) {
	if s.mailbox == nil {
		return
	}
	r.Get("/dev/mail", s.handle(s.handleDevMailbox))
	r.Get("/dev/mail/{id}", s.handle(s.handleDevMail))
	r.Get("/dev/mail/{id}/html", s.handle(s.handleDevMailHTML))
}

func (s *Server) handleDevMailbox(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.DevMailbox(s.base(r), s.mailbox.List()))
}

func (s *Server) handleDevMail(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	m, ok := s.mailbox.Get(id)
	if err != nil || !ok {
		return edit.ErrNotFound
	}
	return s.render(w, r, http.StatusOK, templates.DevMail(s.base(r), m))
}

// handleDevMailHTML shows an email's HTML part as a mail client would, sandboxed: no script,
// no request anywhere, only its own inline styles.
func (s *Server) handleDevMailHTML(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	m, ok := s.mailbox.Get(id)
	if err != nil || !ok {
		return edit.ErrNotFound
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(m.HTML))
	return nil
}
