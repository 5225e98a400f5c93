# The outbound binary: API, worker and migrations in one image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/outbound ./cmd/outbound

FROM alpine:3.22
RUN adduser -D -H -u 10001 outbound
COPY --from=build /out/outbound /usr/local/bin/outbound
USER outbound
ENV OUTBOUND_HTTP_HOST=0.0.0.0
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/outbound"]
CMD ["api"]
