package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/edit"
	"dadirectory/internal/library"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins keep the library's list of topics on one page: each topic has a small form of its
// own, and a refused one comes back with the name as typed and the message beside it.

const topicsPath = "/admin/resource-topics"

func (s *Server) handleTopics(w http.ResponseWriter, r *http.Request) error {
	return s.renderTopics(w, r, http.StatusOK, templates.ResourceTopicsPage{Flash: s.popFlash(r)})
}

func (s *Server) handleTopicAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	name := r.PostForm.Get("name")
	t, err := s.library.AddTopic(r.Context(), viewer(r.Context()), name)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, topicsPath, "Topic added: "+t.Name+".")
	case errors.As(err, &invalid):
		return s.renderTopics(w, r, http.StatusUnprocessableEntity, topicRefused("", name, invalid[0].Message))
	default:
		return err
	}
}

func (s *Server) handleTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	slug, name := chi.URLParam(r, "slug"), r.PostForm.Get("name")
	version := edit.ParseVersion(r.PostForm.Get("version"))
	t, err := s.library.UpdateTopic(r.Context(), viewer(r.Context()), slug, name, r.PostForm.Get("retired") != "", version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[library.Topic]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, topicsPath, "Topic saved: "+t.Name+".")
	case errors.As(err, &invalid):
		return s.renderTopics(w, r, http.StatusUnprocessableEntity, topicRefused(slug, name, invalid[0].Message))
	case errors.As(err, &conflict):
		msg := "Someone else changed this topic while you had the page open: it is now called " + conflict.Current.Name
		if conflict.Current.Retired {
			msg += " and is retired"
		}
		return s.renderTopics(w, r, http.StatusConflict, topicRefused(slug, name, msg+". Nothing was saved: check it and save again."))
	default:
		return err
	}
}

// topicRefused is the page after the form of topic slug ("" for a new one) was refused.
func topicRefused(slug, typed, msg string) templates.ResourceTopicsPage {
	return templates.ResourceTopicsPage{
		Values: map[string]string{slug: typed},
		Errors: []templates.FieldError{{Field: "name", Target: templates.ResourceTopicFieldID(slug), Message: msg}},
	}
}

func (s *Server) renderTopics(w http.ResponseWriter, r *http.Request, status int, page templates.ResourceTopicsPage) error {
	topics, err := s.library.AllTopics(r.Context())
	if err != nil {
		return err
	}
	page.Topics = topics
	return s.render(w, r, status, templates.ResourceTopics(s.base(r), page))
}
