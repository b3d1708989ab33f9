package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/templates"
)

// handleWatch starts (watch=1) or stops watching an organisation and goes back to its page.
func (s *Server) handleWatch(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	slug := chi.URLParam(r, "slug")
	on := r.PostForm.Get("watch") == "1"
	if err := s.directory.Watch(r.Context(), viewer(r.Context()), slug, on); err != nil {
		return err
	}
	to := "/agencies/" + slug
	if r.PostForm.Get("from") == "list" {
		to = "/my/watching"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// handleWatching lists what the person watches, each with a way to stop.
func (s *Server) handleWatching(w http.ResponseWriter, r *http.Request) error {
	list, err := s.directory.Watched(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Watching(s.base(r), list, s.outbox.On()))
}
