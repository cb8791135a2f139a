# Chit-Chat: build, test and run. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

JAVA_HOME := $(shell scripts/find-jdk.sh)
ifeq ($(JAVA_HOME),)
$(error No JDK 21+ found; see the message above)
endif
export JAVA_HOME
JAVA := $(JAVA_HOME)/bin/java
# Maven itself calls sun.misc.Unsafe; on JDK 24+ that only prints warnings, which this silences.
export MAVEN_OPTS ?= --sun-misc-unsafe-memory-access=allow
MVN := mvn -B --no-transfer-progress

SOURCES := $(shell find pom.xml */pom.xml */src -type f 2>/dev/null)
DEV_JAR := launcher/target/chit-chat-dev.jar

.PHONY: help build test run run-cluster lint bench jmh clean images stack-test

help:
	@echo "make run          start the whole product on http://localhost:8080 (no Docker, MongoDB or Redis needed)"
	@echo "make test         install test tools if missing, then run every test (the client's in Node, then Maven's)"
	@echo "make build        build the service jars (auth-server, chat-server) and the dev launcher"
	@echo "make run-cluster  one auth-server, two chat-servers, a real Redis, one store: chat across instances"
	@echo "                  (REDIS_MODE=cluster make run-cluster: a local 3+3 Redis Cluster, sharded Pub/Sub)"
	@echo "make lint         check CloudFormation, workflows, compose, nginx and shell scripts"
	@echo "make bench        measure throughput, latency, connections and history cost"
	@echo "make images       build the auth, chat and web images with podman (local base images if need be)"
	@echo "make stack-test   the whole stack in containers (docker-compose via podman), tested through nginx"
	@echo "make clean        remove build output (data/ is kept)"

build: $(DEV_JAR)

$(DEV_JAR): $(SOURCES)
	$(MVN) -q package -DskipTests
	@touch $(DEV_JAR)

test:
	@scripts/install-test-tools.sh
	node --test static-client/test/
	$(MVN) install

run: $(DEV_JAR)
	@echo "Starting Chit-Chat: open http://localhost:$${HTTP_PORT:-8080} once it says ready (Ctrl-C stops it)"
	@$(JAVA) -XX:+UseSerialGC -jar $(DEV_JAR)

run-cluster: $(DEV_JAR)
	@scripts/run-cluster.sh

lint: $(DEV_JAR)
	@scripts/lint.sh

bench: $(DEV_JAR)
	@bench/run.sh

jmh:
	@bench/jmh.sh

images:
	@deploy/images.sh

# Rebuilds the images only if missing (REBUILD=1 for all); WEB_PORT (18080) is the stack's origin.
stack-test:
	@deploy/stack-test.sh

clean:
	$(MVN) -q clean
