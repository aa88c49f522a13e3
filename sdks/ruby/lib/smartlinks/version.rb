# frozen_string_literal: true

module Smartlinks
  VERSION = "0.1.0"
end
