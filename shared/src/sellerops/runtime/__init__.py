"""What every sellerops service runs on: settings, logging, broker, publishing, state, delivery."""
