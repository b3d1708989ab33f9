package server

import (
	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// vocabRoutes registers the search vocabulary admins keep: synonym sets and the places of
// each area. Every route is behind the admin role, and the vocab store checks the viewer again
// in each call. What they save changes what search finds, so saves wait for the index.
func (s *Server) vocabRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin), s.readYourWrites)
		r.Get("/admin/synonyms", s.handle(s.handleAdminSynonyms))
		r.Get("/admin/synonyms/new", s.handle(s.handleAdminSynonymNew))
		r.Post("/admin/synonyms/new", s.handle(s.handleAdminSynonymCreate))
		r.Get("/admin/synonyms/{id}/edit", s.handle(s.handleAdminSynonymEdit))
		r.Post("/admin/synonyms/{id}/edit", s.handle(s.handleAdminSynonymUpdate))
		r.Get("/admin/synonyms/{id}/remove", s.handle(s.handleAdminSynonymRemoveForm))
		r.Post("/admin/synonyms/{id}/remove", s.handle(s.handleAdminSynonymRemove))

		r.Get("/admin/places", s.handle(s.handleAdminPlaces))
		r.Get("/admin/places/{slug}/edit", s.handle(s.handleAdminAreaPlaces))
		r.Post("/admin/places/{slug}/edit", s.handle(s.handleAdminAreaPlacesUpdate))
	})
}
