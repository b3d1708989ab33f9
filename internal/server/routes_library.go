package server

import "github.com/go-chi/chi/v5"

// libraryRoutes registers the library pages (being written).
func (s *Server) libraryRoutes(r chi.Router) {}
