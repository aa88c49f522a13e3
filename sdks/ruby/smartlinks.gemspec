# frozen_string_literal: true

require_relative "lib/smartlinks/version"

Gem::Specification.new do |spec|
  spec.name = "smartlinks"
  spec.version = Smartlinks::VERSION
  spec.summary = "Official Ruby client for the SmartLinks API: short links, QR codes and click analytics"
  spec.description = "Create, list, update and delete short links, read their click analytics, " \
                     "render QR codes and manage API keys. Standard library only."
  spec.authors = ["SmartLinks"]
  spec.files = Dir["lib/**/*.rb"] + ["README.md"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.1"
  spec.metadata = { "rubygems_mfa_required" => "true" }
end
