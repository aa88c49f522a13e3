# frozen_string_literal: true

# The official Ruby client for the SmartLinks API. Standard library only.
require_relative "smartlinks/version"
require_relative "smartlinks/errors"
require_relative "smartlinks/models"
require_relative "smartlinks/page"
require_relative "smartlinks/transport"
require_relative "smartlinks/resources"
require_relative "smartlinks/client"
