#!/usr/bin/env bash
# Creates, updates or deletes Chit-Chat's CloudFormation stacks, in dependency order (docs/DEPLOY.md).
#
#   cloudformation/deploy.sh images    build the three images and push them to ECR, tagged IMAGE_TAG
#   cloudformation/deploy.sh up        create or update every stack (safe to repeat)
#   cloudformation/deploy.sh outputs   print every stack's outputs, the public URL among them
#   cloudformation/deploy.sh down      delete every stack, the last created first
#
# Stacks (each reads the ones above it through exports named <ENVIRONMENT_NAME>-<Output>):
#   <env>-network   VPC, subnets, NAT, security groups        network.yaml
#   <env>-ecr       image repositories                        ecr.yaml
#   <env>-data      Redis, MONGO_URI and JWT_SECRET secrets   data.yaml
#   <env>-edge      load balancer, HTTPS, routing             edge.yaml
#   <env>-services  ECS cluster, tasks, services, scaling     services.yaml
#   <env>-github    GitHub OIDC deploy role (optional)        github-deploy-role.yaml
#
# Settings (environment variables):
#   AWS_REGION            region (else the AWS CLI's default)
#   ENVIRONMENT_NAME      stack and resource prefix (default chitchat)
#   CERTIFICATE_ARN       ACM certificate for the HTTPS listener (up; required on first run)
#   DOMAIN_NAME           public host name (optional); HOSTED_ZONE_ID to create its Route 53 alias
#   MONGO_URI             MongoDB connection string (up; required on first run, kept afterwards)
#   IMAGE_TAG             image tag to run (default: the current Git commit)
#   IMAGE_PLATFORM        platform `images` builds for (default linux/amd64, as services.yaml's X86_64)
#   GITHUB_REPOSITORY     owner/name: also deploy the GitHub OIDC deploy role (optional)
#   CREATE_OIDC_PROVIDER  "false" when the account already has GitHub's OIDC provider
#
# Needs the AWS CLI v2 (and Docker for `images`).

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
env_name="${ENVIRONMENT_NAME:-chitchat}"
image_tag="${IMAGE_TAG:-$(git -C "$root" rev-parse HEAD 2>/dev/null || echo latest)}"
region_args=()
[[ -n "${AWS_REGION:-}" ]] && region_args=(--region "$AWS_REGION")

aws_() { aws "${region_args[@]}" "$@"; }

stack_exists() {
    aws_ cloudformation describe-stacks --stack-name "$1" >/dev/null 2>&1
}

deploy_stack() { # deploy_stack NAME TEMPLATE [Key=Value...]
    local name="$env_name-$1" template="$here/$2"
    shift 2
    echo "==> $name ($(basename "$template"))"
    aws_ cloudformation deploy \
        --stack-name "$name" \
        --template-file "$template" \
        --capabilities CAPABILITY_NAMED_IAM \
        --no-fail-on-empty-changeset \
        --tags "app=chitchat" "environment=$env_name" \
        --parameter-overrides "EnvironmentName=$env_name" "$@"
}

delete_stack() { # delete_stack NAME
    local name="$env_name-$1"
    if stack_exists "$name"; then
        echo "==> deleting $name"
        aws_ cloudformation delete-stack --stack-name "$name"
        aws_ cloudformation wait stack-delete-complete --stack-name "$name"
    fi
}

export_value() { # export_value NAME: the value of the export <env>-NAME
    aws_ cloudformation list-exports --query "Exports[?Name=='$env_name-$1'].Value" --output text
}

cmd_images() {
    local registry
    registry="$(export_value AuthRepositoryUri | cut -d/ -f1)"
    [[ -n "$registry" && "$registry" != None ]] || { echo "deploy the ecr stack first (deploy.sh up stops after it without images)" >&2; exit 1; }
    aws_ ecr get-login-password | docker login --username AWS --password-stdin "$registry"
    for spec in auth:auth-server/Dockerfile chat:chat-server/Dockerfile web:deploy/nginx/Dockerfile; do
        local name="${spec%%:*}" dockerfile="${spec#*:}"
        local image="$registry/$env_name/$name:$image_tag"
        echo "==> $image"
        docker build --pull --platform "${IMAGE_PLATFORM:-linux/amd64}" -f "$root/$dockerfile" -t "$image" "$root"
        docker push "$image"
    done
}

cmd_up() {
    local first_run=1
    stack_exists "$env_name-data" && first_run=0

    deploy_stack network network.yaml
    deploy_stack ecr ecr.yaml

    # The services need their images in ECR before their tasks can start.
    if ! aws_ ecr describe-images --repository-name "$env_name/chat" --image-ids "imageTag=$image_tag" >/dev/null 2>&1; then
        echo "No $env_name/chat:$image_tag image in ECR yet: run 'cloudformation/deploy.sh images', then 'up' again." >&2
        exit 1
    fi

    local data_params=()
    if [[ -n "${MONGO_URI:-}" ]]; then
        data_params+=("MongoUri=$MONGO_URI")
    elif (( first_run )); then
        echo "MONGO_URI is required on the first run (MongoDB Atlas or DocumentDB connection string)" >&2
        exit 1
    fi
    deploy_stack data data.yaml "${data_params[@]}"

    local edge_params=()
    [[ -n "${CERTIFICATE_ARN:-}" ]] && edge_params+=("CertificateArn=$CERTIFICATE_ARN")
    [[ -n "${DOMAIN_NAME:-}" ]] && edge_params+=("DomainName=$DOMAIN_NAME")
    [[ -n "${HOSTED_ZONE_ID:-}" ]] && edge_params+=("HostedZoneId=$HOSTED_ZONE_ID")
    deploy_stack edge edge.yaml "${edge_params[@]}"

    deploy_stack services services.yaml "ImageTag=$image_tag"

    if [[ -n "${GITHUB_REPOSITORY:-}" ]]; then
        deploy_stack github github-deploy-role.yaml "GitHubRepository=$GITHUB_REPOSITORY" \
            "CreateOidcProvider=${CREATE_OIDC_PROVIDER:-true}"
    fi
    echo "Chit-Chat: $(export_value PublicUrl)"
}

cmd_outputs() {
    for stack in network ecr data edge services github; do
        stack_exists "$env_name-$stack" || continue
        echo "== $env_name-$stack"
        aws_ cloudformation describe-stacks --stack-name "$env_name-$stack" \
            --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
    done
}

cmd_down() {
    echo "Deleting every $env_name stack (MongoDB data outside AWS is not touched)."
    delete_stack github
    delete_stack services
    delete_stack edge
    delete_stack data
    # Deleted secrets wait 30 days for recovery, and their names stay taken meanwhile: free them now
    # so that a later `up` with the same ENVIRONMENT_NAME can create them again.
    for secret in mongo-uri jwt-secret; do
        aws_ secretsmanager delete-secret --secret-id "$env_name/$secret" --force-delete-without-recovery >/dev/null 2>&1 || true
    done
    delete_stack ecr   # the repositories are emptied first (EmptyOnDelete)
    delete_stack network
}

case "${1:-}" in
    images) cmd_images ;;
    up) cmd_up ;;
    outputs) cmd_outputs ;;
    down) cmd_down ;;
    *)
        sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
