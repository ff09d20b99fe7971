/// The sizes of an image's zero-padded copy for the direct and implicit-GEMM convolutions: `channels`
/// planes of `height × width` floats, the image `padTop` rows and `padLeft` columns in (the
/// `WindowGeometry`'s padding). Only the interior is ever written: zero the copy once when planning.
package struct PaddedImage: Equatable, Sendable {
    /// Planes, rows per plane and floats per row.
    package let channels, height, width: Int
    /// Floats of the whole copy.
    package var count: Int { channels * height * width }

    /// A copy of `channels` planes of `height × width` floats.
    package init(channels: Int, height: Int, width: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
    }

    /// Copies `image` (`geometry.channels × height × width`) into the interior of `padded`, rows and
    /// columns that fall outside this copy dropped (a stride can leave the last ones unread).
    package func copy(_ image: UnsafePointer<Float>, _ geometry: WindowGeometry, into padded: UnsafeMutablePointer<Float>) {
        let rows = min(geometry.height, height - geometry.padTop), columns = min(geometry.width, width - geometry.padLeft)
        guard rows > 0, columns > 0 else { return }
        for c in 0..<geometry.channels {
            for row in 0..<rows {
                (padded + (c * height + geometry.padTop + row) * width + geometry.padLeft)
                    .update(from: image + (c * geometry.height + row) * geometry.width, count: columns)
            }
        }
    }
}
