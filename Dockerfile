# Multi-stage build: a static binary on a small base with the tzdata it embeds anyway.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/dadirectory ./cmd/dadirectory

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dadirectory /dadirectory
ENV LISTEN_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/dadirectory"]
CMD ["serve"]
