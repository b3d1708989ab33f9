package server

import "github.com/go-chi/chi/v5"

// curationRoutes registers the curation pages (being written).
func (s *Server) curationRoutes(r chi.Router) {}
